# ResNet-8 on Fashion-MNIST-LT (ratio 100) with plain cross-entropy (the CE baseline).
_base_ = ['./la_resnet8_fashion-mnist-lt.py']

model = dict(
    head=dict(loss=dict(_delete_=True, type='CrossEntropyLoss', loss_weight=1.0)))

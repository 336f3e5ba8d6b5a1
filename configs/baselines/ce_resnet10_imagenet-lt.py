# ResNet-10 on ImageNet-LT with plain cross-entropy (the CE baseline).
_base_ = ['./la_resnet10_imagenet-lt.py']

model = dict(
    head=dict(loss=dict(_delete_=True, type='CrossEntropyLoss', loss_weight=1.0)))

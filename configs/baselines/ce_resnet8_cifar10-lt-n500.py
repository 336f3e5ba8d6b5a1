# ResNet-8 on CIFAR-10-LT's CPU profile with plain cross-entropy (the CE baseline).
_base_ = ['./la_resnet8_cifar10-lt-n500.py']

model = dict(
    head=dict(loss=dict(_delete_=True, type='CrossEntropyLoss', loss_weight=1.0)))

# ResNet-32 on CIFAR-100-LT (ratio 100) with plain cross-entropy (the CE baseline).
_base_ = ['./la_resnet32_cifar100-lt.py']

model = dict(
    head=dict(loss=dict(_delete_=True, type='CrossEntropyLoss', loss_weight=1.0)))

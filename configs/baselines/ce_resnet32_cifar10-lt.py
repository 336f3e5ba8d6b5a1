# ResNet-32 on CIFAR-10-LT (standard profile) with plain cross-entropy (the CE
# baseline).
_base_ = ['./la_resnet32_cifar10-lt.py']

model = dict(
    head=dict(loss=dict(_delete_=True, type='CrossEntropyLoss', loss_weight=1.0)))

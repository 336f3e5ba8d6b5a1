# ResNet-32 on CIFAR-100-LT (ratio 100) with the logit-adjusted loss: the LA baseline,
# and the student network of every CIFAR-100-LT distillation config.
_base_ = [
    '../_base_/models/cifar_resnet32.py',
    '../_base_/datasets/cifar100_lt.py',
    '../_base_/schedules/cifar_lt_200e.py',
    '../_base_/default_runtime.py',
]

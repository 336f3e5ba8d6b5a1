# ResNet-32 on CIFAR-10-LT, the standard profile (ratio 100, 12,406 images, 5,000
# down to 50) with the logit-adjusted loss and the paper's CIFAR recipe (Appendix
# C: batch 128, 200 epochs, SGD lr 0.1, lr x0.01 at epochs 160 and 180): the LA
# baseline, and the student of the standard-profile distillation configs.
_base_ = [
    '../_base_/models/cifar_resnet32.py',
    '../_base_/datasets/cifar10_lt.py',
    '../_base_/schedules/cifar_lt_200e.py',
    '../_base_/default_runtime.py',
]

model = dict(head=dict(num_classes=10))

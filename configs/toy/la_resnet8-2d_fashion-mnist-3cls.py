# Figure 1: the 2-D ResNet-8 on the three-class toy (2,000 / 100 / 5 images) with
# the logit-adjusted loss: the student network of the toy's distillation configs.
_base_ = [
    '../_base_/models/resnet8_2d.py',
    '../_base_/datasets/fashion_mnist_3cls.py',
    '../_base_/schedules/fmnist_lt_30e.py',
    '../_base_/default_runtime.py',
]

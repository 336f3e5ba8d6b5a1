# ResNet-8 on Fashion-MNIST-LT (ratio 100) with the logit-adjusted loss: the LA
# baseline, and the student network of every Fashion-MNIST-LT distillation config.
_base_ = [
    '../_base_/models/fmnist_resnet8.py',
    '../_base_/datasets/fashion_mnist_lt.py',
    '../_base_/schedules/fmnist_lt_30e.py',
    '../_base_/default_runtime.py',
]

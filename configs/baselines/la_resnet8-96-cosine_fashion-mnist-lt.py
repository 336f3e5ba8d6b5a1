# ResNet-8 + a linear layer to 96-d + a cosine classifier on Fashion-MNIST-LT (ratio
# 100) with the logit-adjusted loss: the LA baseline, and the student network of the
# distillation configs whose teacher is the offline ViT tower (96-d class token,
# configs/distill/fashion_mnist_lt/vit_teachers/).
_base_ = [
    '../_base_/models/fmnist_resnet8-96_cosine.py',
    '../_base_/datasets/fashion_mnist_lt.py',
    '../_base_/schedules/fmnist_lt_30e.py',
    '../_base_/default_runtime.py',
]

# Figure 1: ACCKD on the three-class toy (2-D ResNet-8 student and teacher).
_base_ = ['../_base_/distill/toy_fashion_mnist_3cls.py']

# WKD: ResNet-8 student, offline ResNet-20 teacher's NCM form, Fashion-MNIST-LT.
_base_ = ['../../_base_/distill/fashion_mnist_lt/resnet8_offline-ncm.py']

model = dict(distill=dict(method='wkd'))

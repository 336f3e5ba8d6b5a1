# WKD: ResNet-8 student, offline ResNet-20 teacher's NCM form, Fashion-MNIST-LT.
_base_ = ['./acckd_resnet8_offline-ncm_fashion-mnist-lt.py']

model = dict(distill=dict(method='wkd'))

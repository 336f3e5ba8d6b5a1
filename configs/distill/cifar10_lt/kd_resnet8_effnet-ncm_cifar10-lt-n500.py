# KD: ResNet-8 student, EfficientNet-Lite0 NCM teacher,
# CIFAR-10-LT's CPU profile.
_base_ = ['./acckd_resnet8_effnet-ncm_cifar10-lt-n500.py']

model = dict(distill=dict(method='kd'))

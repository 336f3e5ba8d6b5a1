# KD: ResNet-8 student, EfficientNet-Lite0 full fine-tuning + LA teacher,
# CIFAR-10-LT's CPU profile.
_base_ = ['./acckd_resnet8_effnet-full-la_cifar10-lt-n500.py']

model = dict(distill=dict(method='kd'))

# CCKD: ResNet-8 student, EfficientNet-Lite0 zero-shot teacher,
# CIFAR-10-LT's CPU profile.
_base_ = ['./acckd_resnet8_effnet-zero-shot_cifar10-lt-n500.py']

model = dict(distill=dict(method='cckd'))

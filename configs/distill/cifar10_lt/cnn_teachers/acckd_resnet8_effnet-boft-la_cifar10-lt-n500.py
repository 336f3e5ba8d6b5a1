# Table 5: ACCKD from the EfficientNet-Lite0 teacher tuned with peft's BOFT + LA
# (ResNet-8 student, CIFAR-10-LT's CPU profile).
_base_ = ['../acckd_resnet8_effnet-full-la_cifar10-lt-n500.py']

model = dict(teacher='{{fileDirname}}/../../../teachers/cifar10_lt/'
                     'effnet-lite0_boft_la_cifar10-lt-n500.py')

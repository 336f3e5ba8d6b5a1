# Table 6: ACCKD with CDT as L_sup in place of LA (ResNet-8 student, EfficientNet-Lite0
# full fine-tuning + LA teacher, CIFAR-10-LT's CPU profile); the student network is the
# cdt baseline's.
_base_ = ['../acckd_resnet8_effnet-full-la_cifar10-lt-n500.py']

model = dict(student=dict(config='{{fileDirname}}/../../../baselines/'
                                 'cdt_resnet8_cifar10-lt-n500.py'))

# ACCKD: ResNet-8 student, ImageNet EfficientNet-Lite0 teacher, zero-shot (its
# ImageNet classifier through the CIFAR-10 class map), CIFAR-10-LT's CPU profile.
# The student is its LA baseline's network (declared once in configs/baselines/);
# the row's other methods inherit this config and set distill.method.
_base_ = ['../../_base_/distill/cifar10_lt_n500.py']

model = dict(
    student=dict(config='{{fileDirname}}/../../baselines/'
                        'la_resnet8_cifar10-lt-n500.py'),
    teacher='{{fileDirname}}/../../teachers/cifar10_lt/'
            'effnet-lite0_zero-shot_cifar10-lt-n500.py',
)

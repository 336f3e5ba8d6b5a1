# Head-only + LA teacher on CIFAR-10-LT's CPU profile: the frozen ImageNet
# EfficientNet-Lite0 and a trained cosine head (class-mean start, LA loss). The
# other tuned teachers inherit it and set backbone.peft.
_base_ = [
    '../../_base_/models/effnet_lite0_teacher.py',
    '../../_base_/teachers/effnet_cifar10_lt_n500.py',
    '../../_base_/schedules/cnn_teacher_tuning.py',
    '../../_base_/default_runtime.py',
]

model = dict(backbone=dict(num_classes=10), head=dict(num_classes=10))

# Full fine-tuning + LA teacher on CIFAR-10-LT's standard profile (12,406 images;
# for a GPU): ImageNet EfficientNet-Lite0, every weight and a cosine head trained
# with the logit-adjusted loss (BatchNorm statistics kept), 96-px input: the CPU
# profile's choices on `val` (the best tuned teacher there, projects/cifar10_lt).
_base_ = [
    '../../_base_/models/effnet_lite0_teacher.py',
    '../../_base_/teachers/effnet_cifar10_lt.py',
    '../../_base_/schedules/cnn_teacher_tuning.py',
    '../../_base_/default_runtime.py',
]

model = dict(backbone=dict(num_classes=10,
                           peft=dict(type='BlockTuning', num_blocks=None)),
             head=dict(num_classes=10))

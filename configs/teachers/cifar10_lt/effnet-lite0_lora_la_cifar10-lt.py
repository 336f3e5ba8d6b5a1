# LoRA + LA teacher on CIFAR-10-LT's standard profile (12,406 images; for a GPU):
# ImageNet EfficientNet-Lite0 with peft's LoRA (rank 8) on its pointwise
# convolutions and a cosine head, trained with the logit-adjusted loss, 96-px input
# (the CPU profile's choices on `val`).
_base_ = [
    '../../_base_/models/effnet_lite0_teacher.py',
    '../../_base_/teachers/effnet_cifar10_lt.py',
    '../../_base_/schedules/cnn_teacher_tuning.py',
    '../../_base_/default_runtime.py',
]

model = dict(backbone=dict(num_classes=10,
                           peft=dict(type='PeftTuner', method='LORA',
                                     config=dict(r=8))),
             head=dict(num_classes=10))

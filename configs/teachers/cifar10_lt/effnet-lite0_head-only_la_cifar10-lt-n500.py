# Head-only + LA teacher on CIFAR-10-LT's CPU profile: the frozen ImageNet
# EfficientNet-Lite0 and a trained cosine head (class-mean start, LA loss). The
# other tuned teachers inherit it and set backbone.peft.
_base_ = [
    '../../_base_/models/effnet_lite0_teacher.py',
    '../../_base_/datasets/cifar10_lt_n500.py',
    '../../_base_/schedules/cnn_teacher_tuning.py',
    '../../_base_/default_runtime.py',
]

# the student's 32-px views (the backbone resizes them), timm's
# tf_efficientnet_lite0 normalisation (TensorFlow's Lite models: mean 0.5, std
# 0.5), batch 128 for tuning (LIFT's)
data_preprocessor = dict(num_classes=10, mean=[127.5, 127.5, 127.5],
                         std=[127.5, 127.5, 127.5], to_rgb=False)
train_dataloader = dict(batch_size=128)
model = dict(backbone=dict(num_classes=10), head=dict(num_classes=10))

# CIFAR-10-LT's CPU profile seen by the EfficientNet-Lite0 teachers: the student's
# 32-px views (the backbone resizes them), timm's tf_efficientnet_lite0
# normalisation (TensorFlow's Lite models: mean 0.5, std 0.5), batch 128 for tuning
# (LIFT's).
_base_ = ['../datasets/cifar10_lt_n500.py']

data_preprocessor = dict(num_classes=10, mean=[127.5, 127.5, 127.5],
                         std=[127.5, 127.5, 127.5], to_rgb=False)
train_dataloader = dict(batch_size=128)

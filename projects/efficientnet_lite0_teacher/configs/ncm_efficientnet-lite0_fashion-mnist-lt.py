# Any backbone can be a teacher: ImageNet-pretrained EfficientNet-Lite0 (timm's
# tf_efficientnet_lite0 through MMPretrain's TIMMBackbone, stem folded to one
# channel), frozen, with an NCM head over Fashion-MNIST-LT's training split.
#   python projects/efficientnet_lite0_teacher/convert_weights.py \
#       work_dirs/efficientnet_lite0/tf_efficientnet_lite0_1ch.pth --in-chans 1
#   python tools/test.py \
#       projects/efficientnet_lite0_teacher/configs/ncm_efficientnet-lite0_fashion-mnist-lt.py  # noqa: E501
_base_ = [
    '../../../configs/_base_/datasets/fashion_mnist_lt.py',
    '../../../configs/_base_/schedules/fmnist_lt_30e.py',  # nothing trains
    '../../../configs/_base_/default_runtime.py',
]

model = dict(
    type='ImageClassifier',
    backbone=dict(
        type='TIMMBackbone',
        model_name='tf_efficientnet_lite0',
        in_channels=1,
        checkpoint_path='work_dirs/efficientnet_lite0/tf_efficientnet_lite0_1ch.pth'),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='NCMClsHead', num_classes=10, in_channels=1280, scale=25.0),
)
# timm's tf_efficientnet_lite0 normalisation, 28-px images upscaled to 112 px
data_preprocessor = dict(num_classes=10, mean=[127.5], std=[127.5], to_rgb=False)
test_pipeline = [
    dict(type='Resize', scale=112, interpolation='bilinear'),
    dict(type='PackInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=test_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))

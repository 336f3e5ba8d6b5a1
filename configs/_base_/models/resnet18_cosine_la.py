# MMPretrain's ResNet-18 with a cosine classifier (scale 25) and the logit-adjusted
# loss: the ImageNet-LT / iNaturalist 2018 student. Appendix C: "In the fine-tuning of
# the teacher model as well as in the student model, we use the cosine classifier."
_base_ = ['mmpretrain::_base_/models/resnet18.py']

model = dict(
    head=dict(_delete_=True, type='CosineClsHead', num_classes=1000, in_channels=512,
              scale=25.0, loss=dict(type='LogitAdjustLoss', tau=1.0)),
)

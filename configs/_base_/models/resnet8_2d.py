# The Figure 1 network: ResNet-8 whose encoder ends in a 2-D feature (a linear
# layer from its 64 channels), so that classes, samples and the classifier's
# regions can be drawn in the feature plane; logit-adjusted loss.
model = dict(
    type='ImageClassifier',
    backbone=dict(type='CifarResNet', depth=8, in_channels=1),
    neck=[dict(type='GlobalAveragePooling'),
          dict(type='LinearNeck', in_channels=64, out_channels=2, norm_cfg=None)],
    head=dict(type='LinearClsHead', num_classes=3, in_channels=2,
              loss=dict(type='LogitAdjustLoss')),
)

# ResNet-32 for 32-px images (0.47 M parameters with 100 classes), LA loss.
model = dict(
    type='ImageClassifier',
    backbone=dict(type='CifarResNet', depth=32),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=100,
        in_channels=64,
        # class_counts are filled in from the training set by ClassCountsHook
        loss=dict(type='LogitAdjustLoss'),
    ),
)

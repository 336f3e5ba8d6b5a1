# The small Fashion-MNIST-LT student: CIFAR-style ResNet-8 on 1-channel 28-px
# images (78 K parameters), LA loss.
model = dict(
    type='ImageClassifier',
    backbone=dict(type='CifarResNet', depth=8, in_channels=1),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=10, in_channels=64,
              loss=dict(type='LogitAdjustLoss')),
)

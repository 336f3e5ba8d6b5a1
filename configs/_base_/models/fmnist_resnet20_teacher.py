# The offline Fashion-MNIST teacher: CIFAR-style ResNet-20 on 1-channel 28-px
# images (0.27 M parameters, 3.5x the ResNet-8 student), pre-trained with
# cross-entropy on the balanced `pool` split.
model = dict(
    type='ImageClassifier',
    backbone=dict(type='CifarResNet', depth=20, in_channels=1),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=10, in_channels=64,
              loss=dict(type='CrossEntropyLoss', loss_weight=1.0)),
)

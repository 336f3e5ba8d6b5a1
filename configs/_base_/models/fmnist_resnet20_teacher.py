# The offline Fashion-MNIST teacher: CIFAR-style ResNet-20 on 1-channel 28-px
# images (0.27 M parameters, 3.5x the ResNet-8 student) with a stride-2 stem,
# so its stages run at 14, 7 and 4 px: a quarter of the stride-1 cost, which
# keeps pre-training (about 3 min on 2 CPU cores) and distillation cheap.
# Pre-trained with cross-entropy on the balanced `pool` split.
model = dict(
    type='ImageClassifier',
    backbone=dict(type='CifarResNet', depth=20, in_channels=1, stem_stride=2),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=10, in_channels=64,
              loss=dict(type='CrossEntropyLoss', loss_weight=1.0)),
)

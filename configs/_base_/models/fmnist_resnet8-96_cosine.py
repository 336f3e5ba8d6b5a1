# The Fashion-MNIST-LT student of the offline ViT tower's teachers (Table 5 on this
# data), shaped as the ImageNet-LT student (configs/_base_/models/
# resnet18_cosine_la.py): the CIFAR-style ResNet-8 (64-d feature), a linear layer to
# 96-d (the tower's class-token width: Section 3.4's align layer, part of the network
# for the LA baseline and every distilled student alike) trained with batch
# normalisation after it, and a cosine classifier (scale 25) with the
# logit-adjusted loss; 85 K parameters.
_base_ = ['./fmnist_resnet8.py']

model = dict(
    neck=dict(_delete_=True, type='LinearNeck', in_channels=64, out_channels=96,
              gap_dim=2, norm_cfg=dict(type='BN1d'), act_cfg=None),
    head=dict(_delete_=True, type='CosineClsHead', num_classes=10, in_channels=96,
              scale=25.0, loss=dict(type='LogitAdjustLoss')),
)

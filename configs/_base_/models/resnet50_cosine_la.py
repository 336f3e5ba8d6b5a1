# The ResNet-18 student network (linear layer to 768-d, cosine classifier, LA loss)
# on MMPretrain's ResNet-50, whose pooled feature is 2048-d: an ImageNet-LT /
# iNaturalist 2018 student of Table 4 (25.8 M parameters with 1,000 classes).
_base_ = ['./resnet18_cosine_la.py']

model = dict(backbone=dict(depth=50), neck=dict(in_channels=2048))

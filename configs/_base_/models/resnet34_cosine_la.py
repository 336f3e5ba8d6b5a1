# The ResNet-18 student network (linear layer to 768-d, cosine classifier, LA loss)
# on MMPretrain's ResNet-34: an ImageNet-LT student of Table 4 (22.4 M parameters with
# 1,000 classes).
_base_ = ['./resnet18_cosine_la.py']

model = dict(backbone=dict(depth=34))

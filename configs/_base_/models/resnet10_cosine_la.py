# ResNet-10 (basic blocks 1-1-1-1, the plugin's ResNet10) with a cosine classifier
# (scale 25) and the logit-adjusted loss: the smallest ImageNet-LT student (Table 4).
_base_ = ['./resnet18_cosine_la.py']

model = dict(backbone=dict(type='ResNet10', depth=10))

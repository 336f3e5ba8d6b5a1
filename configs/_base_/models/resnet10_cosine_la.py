# The ResNet-18 student network (linear layer to 768-d, cosine classifier, LA loss)
# on the plugin's ResNet-10 (basic blocks 1-1-1-1): the smallest ImageNet-LT student
# of Table 4 (6.07 M parameters with 1,000 classes).
_base_ = ['./resnet18_cosine_la.py']

model = dict(backbone=dict(type='ResNet10', depth=10))

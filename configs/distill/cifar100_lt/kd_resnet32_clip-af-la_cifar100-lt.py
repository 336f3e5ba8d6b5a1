# KD: ResNet-32 student, CLIP ViT-B/16 AdaptFormer + LA teacher, CIFAR-100-LT.
_base_ = ['../../_base_/distill/cifar100_lt/resnet32_af-la.py']

model = dict(distill=dict(method='kd'))

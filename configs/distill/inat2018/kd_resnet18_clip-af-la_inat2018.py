# KD: ResNet-18 student, CLIP ViT-B/16 AdaptFormer + LA teacher, iNaturalist 2018.
_base_ = ['../../_base_/distill/inat2018/resnet18_af-la.py']

model = dict(distill=dict(method='kd'))

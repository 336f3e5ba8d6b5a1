# WKD: ResNet-18 student, CLIP ViT-B/16 zero-shot teacher, iNaturalist 2018.
_base_ = ['../../_base_/distill/inat2018/resnet18_zero-shot.py']

model = dict(distill=dict(method='wkd'))

# ACCKD: ResNet-18 student, CLIP ViT-B/16 NCM teacher, iNaturalist 2018.
_base_ = ['../../_base_/distill/inat2018/resnet18_ncm.py']

model = dict(distill=dict(method='acckd'))

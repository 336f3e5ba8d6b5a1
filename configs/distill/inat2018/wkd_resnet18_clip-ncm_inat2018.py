# WKD: ResNet-18 student, CLIP ViT-B/16 NCM teacher, iNaturalist 2018.
_base_ = ['./acckd_resnet18_clip-ncm_inat2018.py']

model = dict(distill=dict(method='wkd'))

# KD: ResNet-18 student, CLIP ViT-B/16 zero-shot teacher, iNaturalist 2018.
_base_ = ['./acckd_resnet18_clip-zero-shot_inat2018.py']

model = dict(distill=dict(method='kd'))

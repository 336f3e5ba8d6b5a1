# Table 6: CCKD with LADE (Hong et al. 2021) as L_sup: ResNet-18 student of the
# LADE baseline, CLIP ViT-B/16 zero-shot teacher, ImageNet-LT.
_base_ = ['../acckd_resnet18_clip-zero-shot_imagenet-lt.py']

model = dict(
    student=dict(config='{{fileDirname}}/../../../baselines/'
                        'lade_resnet18_imagenet-lt.py'),
    distill=dict(method='cckd'),
)

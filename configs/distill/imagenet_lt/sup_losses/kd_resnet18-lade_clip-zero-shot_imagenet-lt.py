# Table 6: KD with LADE (Hong et al. 2021) as L_sup: ResNet-18 student of the
# LADE baseline, CLIP ViT-B/16 zero-shot teacher, ImageNet-LT.
_base_ = ['../../../_base_/distill/imagenet_lt/resnet18_zero-shot.py']

model = dict(
    student=dict(config='{{fileDirname}}/../../../baselines/'
                        'lade_resnet18_imagenet-lt.py'),
    distill=dict(method='kd'),
)

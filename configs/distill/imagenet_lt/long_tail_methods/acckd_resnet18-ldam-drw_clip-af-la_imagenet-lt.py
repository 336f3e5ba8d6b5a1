# ACCKD with LDAM-DRW (Cao et al. 2019) as L_sup: the student of
# configs/baselines/ldam-drw_resnet18_imagenet-lt.py, CLIP ViT-B/16 AdaptFormer + LA
# teacher, ImageNet-LT (the long-tail menu).
_base_ = ['../acckd_resnet18_clip-af-la_imagenet-lt.py']

model = dict(
    student=dict(config='{{fileDirname}}/../../../baselines/'
                        'ldam-drw_resnet18_imagenet-lt.py'),
)

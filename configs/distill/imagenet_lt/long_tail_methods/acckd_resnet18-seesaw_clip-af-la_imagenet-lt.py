# ACCKD with MMPretrain's Seesaw loss as L_sup: the student of
# configs/baselines/seesaw_resnet18_imagenet-lt.py, CLIP ViT-B/16 AdaptFormer + LA
# teacher, ImageNet-LT (the long-tail menu).
_base_ = ['../acckd_resnet18_clip-af-la_imagenet-lt.py']

model = dict(
    student=dict(config='{{fileDirname}}/../../../baselines/'
                        'seesaw_resnet18_imagenet-lt.py'),
)

# Table 5: ACCKD, ResNet-18 student, CLIP ViT-B/16 VPT-deep + LA teacher, ImageNet-LT
# (the AdaptFormer row is acckd_resnet18_clip-af-la_imagenet-lt.py).
_base_ = ['../acckd_resnet18_clip-af-la_imagenet-lt.py']

model = dict(
    teacher='{{fileDirname}}/../../../teachers/clip-vitb16_vpt-deep_la_imagenet-lt.py',
)

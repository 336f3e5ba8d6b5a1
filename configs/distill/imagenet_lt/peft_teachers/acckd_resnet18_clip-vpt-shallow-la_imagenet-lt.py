# Table 5: ACCKD, ResNet-18 student, CLIP ViT-B/16 VPT-shallow + LA teacher, ImageNet-LT
# (the AdaptFormer row is acckd_resnet18_clip-af-la_imagenet-lt.py).
_base_ = ['../../../_base_/distill/imagenet_lt/resnet18_af-la.py']

model = dict(
    teacher='{{fileDirname}}/../../../teachers/'
            'clip-vitb16_vpt-shallow_la_imagenet-lt.py',
    teacher_ckpt='work_dirs/clip-vitb16_vpt-shallow_la_imagenet-lt/epoch_10.pth',
    distill=dict(method='acckd'),
)

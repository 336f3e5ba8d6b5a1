# Table 6: WKD with CDT (Ye et al. 2020) as L_sup: ResNet-18 student of the
# CDT baseline, CLIP ViT-B/16 AdaptFormer + LA teacher, ImageNet-LT.
_base_ = ['../acckd_resnet18_clip-af-la_imagenet-lt.py']

model = dict(
    student=dict(config='{{fileDirname}}/../../../baselines/'
                        'cdt_resnet18_imagenet-lt.py'),
    distill=dict(method='wkd'),
)

# Table 6: KD with CDT (Ye et al. 2020) as L_sup: ResNet-18 student of the
# CDT baseline, CLIP ViT-B/16 zero-shot teacher, ImageNet-LT.
_base_ = ['../acckd_resnet18_clip-zero-shot_imagenet-lt.py']

model = dict(
    student=dict(config='{{fileDirname}}/../../../baselines/'
                        'cdt_resnet18_imagenet-lt.py'),
    distill=dict(method='kd'),
)

# ACCKD with LADE (Hong et al. 2021) as L_sup: the student of
# configs/baselines/lade_resnet32_cifar100-lt.py, CLIP ViT-B/16 AdaptFormer + LA
# teacher, CIFAR-100-LT (the long-tail menu).
_base_ = ['../acckd_resnet32_clip-af-la_cifar100-lt.py']

model = dict(
    student=dict(config='{{fileDirname}}/../../../baselines/'
                        'lade_resnet32_cifar100-lt.py'),
)

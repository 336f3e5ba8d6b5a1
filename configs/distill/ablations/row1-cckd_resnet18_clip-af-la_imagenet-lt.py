# Table 3, row 1: L_cckd on top of L_sup
# (ResNet-18 student, CLIP ViT-B/16 AdaptFormer + LA teacher, ImageNet-LT).
_base_ = ['../imagenet_lt/acckd_resnet18_clip-af-la_imagenet-lt.py']

model = dict(distill=dict(method='acckd', terms=dict(
    cckd=True, cckd_mix=False, sup_mix=False, fi=False, fi_mix=False)))

# ResNet-18 on ImageNet-LT with LDAM-DRW (Cao et al. 2019): margins
# 0.5 * (n_min / n_j) ** (1/4) on the student network's cosine classifier (scale 25:
# LDAM's s must be the head's), class-balanced re-weighting by the effective number
# (beta 0.9999) from epoch 160 of the 200 (Cao et al.'s CIFAR fraction).
_base_ = ['./la_resnet18_imagenet-lt.py']

model = dict(head=dict(loss=dict(
    _delete_=True, type='LDAMLoss', max_m=0.5, s=25.0, reweight='effective_number',
    beta=0.9999, reweight_from_epoch=160)))

# ResNet-32 on CIFAR-100-LT (ratio 100) with LDAM-DRW (Cao et al. 2019): margins
# 0.5 * (n_min / n_j) ** (1/4) on a cosine classifier of scale 30 (their NormedLinear
# with s = 30), and class-balanced re-weighting by the effective number (beta 0.9999)
# deferred to epoch 160 of the 200 (0-based), where the schedule also drops the rate:
# their CIFAR recipe, which the shared schedule already is.
_base_ = ['./la_resnet32_cifar100-lt.py']

model = dict(
    head=dict(
        _delete_=True, type='CosineClsHead', num_classes=100, in_channels=64,
        scale=30.0,
        loss=dict(type='LDAMLoss', max_m=0.5, s=30.0, reweight='effective_number',
                  beta=0.9999, reweight_from_epoch=160)))

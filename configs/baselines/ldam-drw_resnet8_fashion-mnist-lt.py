# ResNet-8 on Fashion-MNIST-LT (ratio 100) with LDAM-DRW (Cao et al. 2019), their
# CIFAR recipe carried over: margins 0.5 * (n_min / n_j) ** (1/4) on a cosine
# classifier of scale 30 (their NormedLinear with s = 30) and class-balanced
# re-weighting by the effective number (beta 0.9999) from epoch 24 of the 30
# (0-based; their 160 of 200 at the same fraction of the schedule).
_base_ = ['./la_resnet8_fashion-mnist-lt.py']

model = dict(
    head=dict(
        _delete_=True, type='CosineClsHead', num_classes=10, in_channels=64,
        scale=30.0,
        loss=dict(type='LDAMLoss', max_m=0.5, s=30.0, reweight='effective_number',
                  beta=0.9999, reweight_from_epoch=24)))

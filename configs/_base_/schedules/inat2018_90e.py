# iNaturalist 2018: the ImageNet-LT schedule shortened to 90 epochs.
_base_ = ['./imagenet_lt_200e.py']

param_scheduler = [
    dict(type='CosineAnnealingLR', by_epoch=True, begin=0, end=90, eta_min=0.0,
         convert_to_iter_based=True),
]
train_cfg = dict(by_epoch=True, max_epochs=90, val_interval=10)

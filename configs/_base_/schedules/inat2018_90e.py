# iNaturalist 2018: the ImageNet-LT schedule (configs/_base_/schedules/
# imagenet_lt_200e.py) shortened to 90 epochs: SGD lr 0.2 (batch 256), momentum 0.9,
# weight decay 5e-4, cosine annealing to 0.
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.2, momentum=0.9, weight_decay=5e-4))
param_scheduler = [
    dict(type='CosineAnnealingLR', by_epoch=True, begin=0, end=90, eta_min=0.0,
         convert_to_iter_based=True),
]
train_cfg = dict(by_epoch=True, max_epochs=90, val_interval=10)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=256)

# Tuning a pre-trained CNN teacher with LIFT's recipe for CLIP (SGD lr 0.01,
# momentum 0.9, weight decay 5e-4, cosine annealing, batch 128); only the tuner and
# the head train. The length was chosen on `val` (projects/cifar10_lt/README.md).
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=5e-4))
param_scheduler = [
    dict(type='CosineAnnealingLR', by_epoch=True, begin=0, end=10, eta_min=0.0,
         convert_to_iter_based=True),
]
train_cfg = dict(by_epoch=True, max_epochs=10, val_interval=5)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=128)

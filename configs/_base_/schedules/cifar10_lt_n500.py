# CIFAR-10-LT's CPU profile (1,236 images, batch 64, about 20 iterations per epoch):
# SGD momentum 0.9, weight decay 5e-4 (Appendix C's), one warm-up epoch, then
# cosine to 0. The length and the learning rate were chosen on `val` with the LA
# baseline (projects/cifar10_lt/README.md, "Schedule").
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.05, momentum=0.9, weight_decay=5e-4))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=1,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=1, end=20, eta_min=0.0,
         convert_to_iter_based=True),
]
train_cfg = dict(by_epoch=True, max_epochs=20, val_interval=5)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=64)

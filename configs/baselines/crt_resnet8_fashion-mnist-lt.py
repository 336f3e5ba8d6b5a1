# Classifier re-training (cRT, Kang et al. 2020) on Fashion-MNIST-LT: stage 2 of the
# CE baseline. The stage-1 network (ce_resnet8_fashion-mnist-lt.py, as tools/train.py
# writes it) is frozen whole, weights and BatchNorm statistics (frozen_stages=3,
# norm_eval=True); its classifier is re-initialised and re-trained with plain
# cross-entropy on class-balanced batches (ClassPowerSampler, power 0) for 10 epochs
# of the same schedule shape. Stage 1 may be any checkpoint of this network, an
# exported distilled student included:
#   --cfg-options load_from=PATH
_base_ = [
    '../_base_/models/fmnist_resnet8.py',
    '../_base_/datasets/fashion_mnist_lt.py',
    '../_base_/schedules/fmnist_lt_30e.py',
    '../_base_/default_runtime.py',
]

model = dict(
    backbone=dict(frozen_stages=3, norm_eval=True),
    head=dict(loss=dict(_delete_=True, type='CrossEntropyLoss', loss_weight=1.0)))
load_from = 'work_dirs/ce_resnet8_fashion-mnist-lt/epoch_30.pth'
load_from_skip = ['head.']
train_dataloader = dict(
    sampler=dict(_delete_=True, type='ClassPowerSampler', power=0.0))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=1,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=1, end=10, eta_min=0.0,
         convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=10, val_interval=5)
default_hooks = dict(checkpoint=dict(interval=10, max_keep_ckpts=1))

# Classifier re-training (cRT, Kang et al. 2020) on CIFAR-100-LT: stage 2 of the CE
# baseline (or of any checkpoint of this network, an exported distilled student
# included: --cfg-options load_from=PATH). The stage-1 network is frozen whole,
# weights and BatchNorm statistics; its classifier is re-initialised and re-trained
# with cross-entropy on class-balanced batches for 10 epochs (cosine from the
# baseline's rate).
_base_ = [
    '../_base_/models/cifar_resnet32.py',
    '../_base_/datasets/cifar100_lt.py',
    '../_base_/schedules/cifar_lt_200e.py',
    '../_base_/default_runtime.py',
]

model = dict(
    backbone=dict(frozen_stages=3, norm_eval=True),
    head=dict(loss=dict(_delete_=True, type='CrossEntropyLoss', loss_weight=1.0)))
load_from = 'work_dirs/ce_resnet32_cifar100-lt/epoch_200.pth'
load_from_skip = ['head.']
train_dataloader = dict(
    sampler=dict(_delete_=True, type='ClassPowerSampler', power=0.0))
param_scheduler = [
    dict(type='CosineAnnealingLR', by_epoch=True, begin=0, end=10, eta_min=0.0,
         convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=10, val_interval=5)
default_hooks = dict(checkpoint=dict(interval=10, max_keep_ckpts=1))

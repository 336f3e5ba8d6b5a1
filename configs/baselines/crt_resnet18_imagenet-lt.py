# Classifier re-training (cRT, Kang et al. 2020) on ImageNet-LT: stage 2 of the CE
# baseline (or of an exported distilled student: --cfg-options load_from=PATH). The
# ResNet-18 is frozen whole, weights and BatchNorm statistics (frozen_stages=4: the
# stem and all four stages); its classifier, here the 512 -> 768 layer with its
# normalisation and the cosine head, is re-initialised and re-trained with
# cross-entropy on class-balanced batches for 10 epochs. (The tau-normalised
# classifier and LWS are left out for this network: its cosine head normalises the
# class weights, so their norms carry nothing.)
_base_ = [
    '../_base_/models/resnet18_cosine_la.py',
    '../_base_/datasets/imagenet_lt.py',
    '../_base_/schedules/imagenet_lt_200e.py',
    '../_base_/default_runtime.py',
]

model = dict(
    backbone=dict(frozen_stages=4, norm_eval=True),
    head=dict(loss=dict(_delete_=True, type='CrossEntropyLoss', loss_weight=1.0)))
load_from = 'work_dirs/ce_resnet18_imagenet-lt/epoch_200.pth'
load_from_skip = ['neck.', 'head.']
train_dataloader = dict(
    sampler=dict(_delete_=True, type='ClassPowerSampler', power=0.0))
param_scheduler = [
    dict(type='CosineAnnealingLR', by_epoch=True, begin=0, end=10, eta_min=0.0,
         convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=10, val_interval=5)
default_hooks = dict(checkpoint=dict(interval=10, max_keep_ckpts=1))

# AF+LA teacher (LIFT's recipe): CLIP ViT-B/16 tuned with AdaptFormer, cosine head
# (scale 25) initialised from the class names' text features, logit-adjusted loss;
# SGD lr 0.01, batch 128, cosine (LIFT's configs/model/clip_vit_b16.yaml), 20 epochs
# on iNaturalist 2018 as LIFT's scripts/run_tab1to4_main_results.sh.
_base_ = [
    '../_base_/models/clip_vitb16_teacher.py',
    '../_base_/teachers/clip_inat2018.py',
    '../_base_/schedules/clip_peft_10e.py',
    '../_base_/default_runtime.py',
]

model = dict(
    backbone=dict(num_classes=8142),  # for the default bottleneck width
    head=dict(num_classes=8142),
)
param_scheduler = [
    dict(type='CosineAnnealingLR', by_epoch=True, begin=0, end=20, eta_min=0.0,
         convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=20)

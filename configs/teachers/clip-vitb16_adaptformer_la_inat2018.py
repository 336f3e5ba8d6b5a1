# AF+LA teacher: CLIP ViT-B/16 tuned with AdaptFormer, cosine head (scale 25)
# initialised from the NCM class means, logit-adjusted loss. Build the means first:
#   python tools/build_teacher_head.py configs/teachers/clip-vitb16_ncm_inat2018.py
_base_ = [
    '../_base_/models/clip_vitb16_teacher.py',
    '../_base_/teachers/clip_inat2018.py',
    '../_base_/schedules/clip_peft_10e.py',
    '../_base_/default_runtime.py',
]

model = dict(
    backbone=dict(num_classes=8142),  # for the default bottleneck width
    head=dict(num_classes=8142,
              init_weights_file='work_dirs/clip-vitb16_ncm_inat2018/teacher_heads/ncm.pth'),
)
# iNaturalist 2018 tunes for 20 epochs
param_scheduler = [
    dict(type='CosineAnnealingLR', by_epoch=True, begin=0, end=20, eta_min=0.0,
         convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=20)

# AF+LA teacher: CLIP ViT-B/16 tuned with AdaptFormer, cosine head (scale 25)
# initialised from the NCM class means, logit-adjusted loss. Build the means first:
#   python tools/build_teacher_head.py configs/teachers/clip-vitb16_ncm_cifar100-lt.py
_base_ = [
    '../_base_/models/clip_vitb16_teacher.py',
    '../_base_/teachers/clip_cifar100_lt.py',
    '../_base_/schedules/clip_peft_10e.py',
    '../_base_/default_runtime.py',
]

model = dict(
    backbone=dict(num_classes=100),  # for the default bottleneck width
    head=dict(num_classes=100,
              init_weights_file='work_dirs/clip-vitb16_ncm_cifar100-lt/teacher_heads/ncm.pth'),
)

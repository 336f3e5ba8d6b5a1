# AF+LA teacher: CLIP ViT-B/16 tuned with AdaptFormer, cosine head (scale 25)
# initialised from the NCM class means, logit-adjusted loss. Build the means first:
#   python tools/build_teacher_head.py configs/teachers/clip-vitb16_ncm_imagenet-lt.py
_base_ = [
    '../_base_/models/clip_vitb16_teacher.py',
    '../_base_/teachers/clip_imagenet_lt.py',
    '../_base_/schedules/clip_peft_10e.py',
    '../_base_/default_runtime.py',
]

model = dict(
    backbone=dict(num_classes=1000),  # for the default bottleneck width
    head=dict(num_classes=1000,
              init_weights_file='work_dirs/clip-vitb16_ncm_imagenet-lt/teacher_heads/ncm.pth'),
)

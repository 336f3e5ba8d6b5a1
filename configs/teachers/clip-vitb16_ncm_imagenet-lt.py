# Zero-training teacher: frozen CLIP ViT-B/16 class-token features (768-d),
# classified by their normalised class means over the training set (NCM).
#   python tools/build_teacher_head.py configs/teachers/clip-vitb16_ncm_imagenet-lt.py
#   python tools/test.py configs/teachers/clip-vitb16_ncm_imagenet-lt.py
_base_ = [
    '../_base_/models/clip_vitb16_teacher.py',
    '../_base_/teachers/clip_imagenet_lt.py',
    '../_base_/schedules/clip_peft_10e.py',
    '../_base_/default_runtime.py',
]

model = dict(
    backbone=dict(peft=None),
    head=dict(
        _delete_=True,
        type='NCMClsHead',
        num_classes=1000,
        in_channels=768,
        scale=25.0,
        weights_file='work_dirs/clip-vitb16_ncm_imagenet-lt/teacher_heads/ncm.pth'),
)

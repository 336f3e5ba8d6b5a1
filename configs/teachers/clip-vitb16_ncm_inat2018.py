# Zero-training teacher: frozen CLIP ViT-B/16 class-token features (768-d),
# classified by their normalised class means over the training set (NCM).
#   python tools/build_teacher_head.py configs/teachers/clip-vitb16_ncm_inat2018.py
#   python tools/test.py configs/teachers/clip-vitb16_ncm_inat2018.py
_base_ = [
    '../_base_/models/clip_vitb16_teacher.py',
    '../_base_/teachers/clip_inat2018.py',
    '../_base_/schedules/clip_peft_10e.py',
    '../_base_/default_runtime.py',
]

model = dict(
    backbone=dict(peft=None),
    head=dict(_delete_=True, type='NCMClsHead', num_classes=8142, in_channels=768,
              scale=25.0,
              weights_file='work_dirs/clip-vitb16_ncm_inat2018/teacher_heads/ncm.pth'),
)

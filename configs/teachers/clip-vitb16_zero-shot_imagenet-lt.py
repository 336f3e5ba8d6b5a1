# Zero-shot teacher: frozen CLIP ViT-B/16, projected image features (512-d)
# against text features of "a photo of a {class}." (templates='ensemble' for
# CLIP's prompt ensemble), CLIP's logit scale.
#   python tools/build_teacher_head.py \
#       configs/teachers/clip-vitb16_zero-shot_imagenet-lt.py
#   python tools/test.py configs/teachers/clip-vitb16_zero-shot_imagenet-lt.py
_base_ = [
    '../_base_/models/clip_vitb16_teacher.py',
    '../_base_/teachers/clip_imagenet_lt.py',
    '../_base_/schedules/clip_peft_10e.py',
    '../_base_/default_runtime.py',
]

model = dict(
    backbone=dict(peft=None, out_type='projected'),
    head=dict(
        _delete_=True,
        type='ZeroShotClsHead',
        num_classes=1000,
        in_channels=512,
        clip=dict(model_name='ViT-B-16', pretrained='openai'),
        templates='single',
        weights_file='work_dirs/clip-vitb16_zero-shot_imagenet-lt/teacher_heads/'
                     'zero-shot.pth'),
)

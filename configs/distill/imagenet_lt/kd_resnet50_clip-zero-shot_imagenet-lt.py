# KD: ResNet-50 student, CLIP ViT-B/16 zero-shot teacher, ImageNet-LT.
_base_ = ['../../_base_/distill/imagenet_lt_resnet18.py']

model = dict(
    student=dict(backbone=dict(depth=50), head=dict(in_channels=2048)),
    teacher='configs/teachers/clip-vitb16_zero-shot_imagenet-lt.py',
    teacher_ckpt=None,  # CLIP's pretrained weights; the head is built by TeacherHeadHook
    distill=dict(method='kd'),
)

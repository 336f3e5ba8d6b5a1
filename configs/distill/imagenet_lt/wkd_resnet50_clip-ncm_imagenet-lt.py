# WKD: ResNet-50 student, CLIP ViT-B/16 NCM teacher, ImageNet-LT.
_base_ = ['../../_base_/distill/imagenet_lt_resnet18.py']

model = dict(
    student=dict(backbone=dict(depth=50), head=dict(in_channels=2048)),
    teacher='configs/teachers/clip-vitb16_ncm_imagenet-lt.py',
    teacher_ckpt=None,  # CLIP's pretrained weights; the head is built by TeacherHeadHook
    distill=dict(method='wkd'),
)

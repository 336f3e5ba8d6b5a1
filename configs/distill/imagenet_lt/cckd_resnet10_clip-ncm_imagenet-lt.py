# CCKD: ResNet-10 student, CLIP ViT-B/16 NCM teacher, ImageNet-LT.
_base_ = ['../../_base_/distill/imagenet_lt_resnet18.py']

model = dict(
    student=dict(backbone=dict(_delete_=True, type='ResNet10', depth=10, num_stages=4,
                                 out_indices=(3, ), style='pytorch')),
    teacher='configs/teachers/clip-vitb16_ncm_imagenet-lt.py',
    teacher_ckpt=None,  # CLIP's pretrained weights; the head is built by TeacherHeadHook
    distill=dict(method='cckd'),
)

# CCKD: ResNet-32 student, CLIP ViT-B/16 zero-shot teacher, CIFAR-100-LT.
_base_ = ['../../_base_/distill/cifar100_lt_resnet32.py']

model = dict(
    teacher='configs/teachers/clip-vitb16_zero-shot_cifar100-lt.py',
    teacher_ckpt=None,  # CLIP's pretrained weights; the head is built by TeacherHeadHook
    distill=dict(method='cckd'),
)

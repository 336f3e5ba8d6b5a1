# ACCKD: ResNet-18 student, CLIP ViT-B/16 NCM teacher, iNaturalist 2018.
_base_ = ['../../_base_/distill/inat2018_resnet18.py']

model = dict(
    teacher='configs/teachers/clip-vitb16_ncm_inat2018.py',
    teacher_ckpt=None,  # CLIP's pretrained weights; the head is built by TeacherHeadHook
    distill=dict(method='acckd'),
)

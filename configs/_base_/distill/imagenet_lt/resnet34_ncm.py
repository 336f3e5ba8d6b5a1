# ImageNet-LT: the ResNet-34 student of the LA baseline (the same network, declared
# once in configs/baselines/) and the CLIP ViT-B/16 NCM teacher.
_base_ = ['../imagenet_lt.py']

model = dict(
    student=dict(config='{{fileDirname}}/../../../baselines/'
                        'la_resnet34_imagenet-lt.py'),
    teacher='{{fileDirname}}/../../../teachers/'
            'clip-vitb16_ncm_imagenet-lt.py',
    # None: CLIP's pretrained tower; PrepareModelHook builds the head
    teacher_ckpt=None,
)

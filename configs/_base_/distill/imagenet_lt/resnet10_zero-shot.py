# ImageNet-LT: the ResNet-10 student of the LA baseline (the same network, declared
# once in configs/baselines/) and the CLIP ViT-B/16 zero-shot teacher.
_base_ = ['../imagenet_lt.py']

model = dict(
    student=dict(config='{{fileDirname}}/../../../baselines/'
                        'la_resnet10_imagenet-lt.py'),
    teacher='{{fileDirname}}/../../../teachers/'
            'clip-vitb16_zero-shot_imagenet-lt.py',
    # None: CLIP's pretrained tower; PrepareModelHook builds the head
    teacher_ckpt=None,
)

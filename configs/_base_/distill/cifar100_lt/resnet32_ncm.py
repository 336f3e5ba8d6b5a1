# CIFAR-100-LT: the ResNet-32 student of the LA baseline (the same network, declared
# once in configs/baselines/) and the CLIP ViT-B/16 NCM teacher.
_base_ = ['../cifar100_lt.py']

model = dict(
    student=dict(config='{{fileDirname}}/../../../baselines/'
                        'la_resnet32_cifar100-lt.py'),
    teacher='{{fileDirname}}/../../../teachers/'
            'clip-vitb16_ncm_cifar100-lt.py',
    # None: CLIP's pretrained tower; PrepareModelHook builds the head
    teacher_ckpt=None,
)

# CIFAR-100-LT: the ResNet-32 student of the LA baseline (the same network, declared
# once in configs/baselines/) and the CLIP ViT-B/16 AdaptFormer + LA teacher.
_base_ = ['../cifar100_lt.py']

model = dict(
    student=dict(config='{{fileDirname}}/../../../baselines/'
                        'la_resnet32_cifar100-lt.py'),
    teacher='{{fileDirname}}/../../../teachers/'
            'clip-vitb16_adaptformer_la_cifar100-lt.py',
    # trained by tools/train.py on the teacher config
    teacher_ckpt='work_dirs/clip-vitb16_adaptformer_la_cifar100-lt/epoch_10.pth',
)

# iNaturalist 2018: the ResNet-18 student of the LA baseline (the same network, declared
# once in configs/baselines/) and the CLIP ViT-B/16 AdaptFormer + LA teacher.
_base_ = ['../inat2018.py']

model = dict(
    student=dict(config='{{fileDirname}}/../../../baselines/la_resnet18_inat2018.py'),
    teacher='{{fileDirname}}/../../../teachers/'
            'clip-vitb16_adaptformer_la_inat2018.py',
    # trained by tools/train.py on the teacher config
    teacher_ckpt='work_dirs/clip-vitb16_adaptformer_la_inat2018/epoch_20.pth',
)

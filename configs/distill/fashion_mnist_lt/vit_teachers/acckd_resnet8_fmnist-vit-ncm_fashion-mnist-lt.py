# Table 5 on Fashion-MNIST-LT: ACCKD, ResNet-8 student, the offline tower's
# NCM (no training) teacher.
_base_ = ['./acckd_resnet8_fmnist-vit-adaptformer-la_fashion-mnist-lt.py']

model = dict(
    teacher='{{fileDirname}}/../../../teachers/fmnist_vit/'
            'fmnist-vit_ncm_fashion-mnist-lt.py',
    # None: the tower's open_clip file; PrepareModelHook builds the class means
    teacher_ckpt=None,
)

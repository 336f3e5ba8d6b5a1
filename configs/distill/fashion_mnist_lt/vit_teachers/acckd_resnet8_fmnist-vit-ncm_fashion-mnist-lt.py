# Table 5 on Fashion-MNIST-LT: ACCKD, ResNet-8 student, the offline tower's
# NCM (no training) teacher.
_base_ = ['../../../_base_/distill/fashion_mnist_lt/resnet8_fmnist-vit.py']

model = dict(
    teacher='{{fileDirname}}/../../../teachers/fmnist_vit/'
            'fmnist-vit_ncm_fashion-mnist-lt.py',
    # None: the tower's open_clip file; PrepareModelHook builds the class means
    teacher_ckpt=None,
    distill=dict(method='acckd'),
)

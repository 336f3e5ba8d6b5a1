# Table 5 on Fashion-MNIST-LT: ACCKD, ResNet-8 student, the offline tower's
# boft + LA teacher.
_base_ = ['./acckd_resnet8_fmnist-vit-adaptformer-la_fashion-mnist-lt.py']

model = dict(
    teacher='{{fileDirname}}/../../../teachers/fmnist_vit/'
            'fmnist-vit_boft_la_fashion-mnist-lt.py',
)

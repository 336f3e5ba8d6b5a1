# Table 5 on Fashion-MNIST-LT: ACCKD, ResNet-8 student, the offline tower's
# VPT-shallow + LA teacher.
_base_ = ['../../../_base_/distill/fashion_mnist_lt/resnet8_fmnist-vit.py']

model = dict(
    teacher='{{fileDirname}}/../../../teachers/fmnist_vit/'
            'fmnist-vit_vpt-shallow_la_fashion-mnist-lt.py',
    teacher_ckpt='work_dirs/fmnist-vit_vpt-shallow_la_fashion-mnist-lt/epoch_30.pth',
    distill=dict(method='acckd'),
)

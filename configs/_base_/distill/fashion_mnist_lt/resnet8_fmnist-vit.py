# Fashion-MNIST-LT: the ResNet-8 student of the LA baseline and a teacher from the
# offline CLIP-style tower (configs/teachers/fmnist_vit/, Table 5 on this data):
# AdaptFormer + LA by default; the leaves in configs/distill/fashion_mnist_lt/
# vit_teachers/ swap the teacher.
_base_ = ['../fashion_mnist_lt.py']

model = dict(
    student='{{fileDirname}}/../../../baselines/la_resnet8_fashion-mnist-lt.py',
    teacher='{{fileDirname}}/../../../teachers/fmnist_vit/'
            'fmnist-vit_adaptformer_la_fashion-mnist-lt.py',
    # trained by tools/train.py on the teacher config
    teacher_ckpt='work_dirs/fmnist-vit_adaptformer_la_fashion-mnist-lt/epoch_30.pth',
)

# Fashion-MNIST-LT: a teacher from the offline CLIP-style tower
# (configs/teachers/fmnist_vit/, Table 5 on this data; AdaptFormer + LA by default,
# the leaves in configs/distill/fashion_mnist_lt/vit_teachers/ swap it) and the
# student network of its LA baseline: ResNet-8, a 64 -> 96 linear layer (the tower's
# class-token width) and a cosine classifier.
_base_ = ['../fashion_mnist_lt.py']

model = dict(
    student=dict(config='{{fileDirname}}/../../../baselines/'
                 'la_resnet8-96-cosine_fashion-mnist-lt.py'),
    teacher='{{fileDirname}}/../../../teachers/fmnist_vit/'
            'fmnist-vit_adaptformer_la_fashion-mnist-lt.py',
    # trained by tools/train.py on the teacher config
    teacher_ckpt='work_dirs/fmnist-vit_adaptformer_la_fashion-mnist-lt/epoch_30.pth',
)

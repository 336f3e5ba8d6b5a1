# Table 5 on Fashion-MNIST-LT: ACCKD, ResNet-8 student, the offline tower's
# AdaptFormer + LA teacher (configs/teachers/fmnist_vit/); the other leaves here
# inherit this one and swap the teacher. The student is the network of its LA
# baseline: ResNet-8, a 64 -> 96 linear layer (the tower's class-token width) and
# a cosine classifier.
_base_ = ['../../../_base_/distill/fashion_mnist_lt.py']

model = dict(
    student=dict(config='{{fileDirname}}/../../../baselines/'
                 'la_resnet8-96-cosine_fashion-mnist-lt.py'),
    teacher='{{fileDirname}}/../../../teachers/fmnist_vit/'
            'fmnist-vit_adaptformer_la_fashion-mnist-lt.py',
)

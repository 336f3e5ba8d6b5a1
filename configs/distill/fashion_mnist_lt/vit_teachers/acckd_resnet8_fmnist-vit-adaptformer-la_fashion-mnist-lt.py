# Table 5 on Fashion-MNIST-LT: ACCKD, ResNet-8 student, the offline tower's
# AdaptFormer + LA teacher (configs/teachers/fmnist_vit/); the other leaves here
# inherit this one and swap the teacher. The student is the network of its LA
# baseline: ResNet-8, a 64 -> 96 linear layer (the tower's class-token width) and
# a cosine classifier.
_base_ = [
    '../../../_base_/datasets/fashion_mnist_lt.py',
    '../../../_base_/distill/fashion_mnist_lt.py',
]

# each training image comes with a class-balanced partner (the mixed data of
# Algorithm 1)
train_dataloader = dict(
    dataset=dict(_delete_=True, type='ClassBalancedPairDataset',
                 dataset={{_base_.train_dataloader.dataset}}))

model = dict(
    student=dict(config='{{fileDirname}}/../../../baselines/'
                 'la_resnet8-96-cosine_fashion-mnist-lt.py'),
    teacher='{{fileDirname}}/../../../teachers/fmnist_vit/'
            'fmnist-vit_adaptformer_la_fashion-mnist-lt.py',
)

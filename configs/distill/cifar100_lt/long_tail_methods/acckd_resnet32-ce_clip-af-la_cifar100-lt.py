# ACCKD with plain cross-entropy as L_sup: the student of
# configs/baselines/ce_resnet32_cifar100-lt.py, CLIP ViT-B/16 AdaptFormer + LA
# teacher, CIFAR-100-LT (the long-tail menu).
_base_ = [
    '../../../_base_/datasets/cifar100_lt.py',
    '../../../_base_/distill/cifar100_lt.py',
]

# each training image comes with a class-balanced partner (the mixed data of
# Algorithm 1)
train_dataloader = dict(
    dataset=dict(_delete_=True, type='ClassBalancedPairDataset',
                 dataset={{_base_.train_dataloader.dataset}}))

model = dict(
    student=dict(config='{{fileDirname}}/../../../baselines/'
                        'ce_resnet32_cifar100-lt.py'),
    teacher='{{fileDirname}}/../../../teachers/'
            'clip-vitb16_adaptformer_la_cifar100-lt.py',
)

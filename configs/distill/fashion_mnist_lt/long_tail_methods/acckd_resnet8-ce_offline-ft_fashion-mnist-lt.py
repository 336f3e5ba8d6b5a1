# ACCKD with plain cross-entropy as L_sup: the ResNet-8 student of
# configs/baselines/ce_resnet8_fashion-mnist-lt.py, offline fine-tuned
# ResNet-20 teacher, Fashion-MNIST-LT (the long-tail menu, Table 6 extended).
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
                        'ce_resnet8_fashion-mnist-lt.py'),
    teacher='{{fileDirname}}/../../../teachers/'
            'offline_resnet20_fashion-mnist-pool.py',
)

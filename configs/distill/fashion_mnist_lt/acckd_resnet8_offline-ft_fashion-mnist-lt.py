# ACCKD: ResNet-8 student, offline ResNet-20 teacher (its fine-tuned head),
# Fashion-MNIST-LT.
# The student is its LA baseline's network (declared once in configs/baselines/);
# the row's other methods inherit this config and set distill.method.
_base_ = [
    '../../_base_/datasets/fashion_mnist_lt.py',
    '../../_base_/distill/fashion_mnist_lt.py',
]

# each training image comes with a class-balanced partner (the mixed data of
# Algorithm 1)
train_dataloader = dict(
    dataset=dict(_delete_=True, type='ClassBalancedPairDataset',
                 dataset={{_base_.train_dataloader.dataset}}))

model = dict(
    student=dict(config='{{fileDirname}}/../../baselines/'
                        'la_resnet8_fashion-mnist-lt.py'),
    teacher='{{fileDirname}}/../../teachers/'
            'offline_resnet20_fashion-mnist-pool.py',
)

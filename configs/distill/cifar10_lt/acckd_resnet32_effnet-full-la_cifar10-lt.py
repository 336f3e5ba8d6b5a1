# ACCKD on CIFAR-10-LT's standard profile (for a GPU): the paper's ResNet-32
# student and CIFAR recipe, the ImageNet EfficientNet-Lite0 teacher tuned with
# full fine-tuning + LA on the same 12,406 images.
# The student is its LA baseline's network (declared once in configs/baselines/).
_base_ = [
    '../../_base_/datasets/cifar10_lt.py',
    '../../_base_/distill/cifar10_lt.py',
]

# each training image comes with a class-balanced partner (the mixed data of
# Algorithm 1)
train_dataloader = dict(
    dataset=dict(_delete_=True, type='ClassBalancedPairDataset',
                 dataset={{_base_.train_dataloader.dataset}}))

model = dict(
    student=dict(config='{{fileDirname}}/../../baselines/'
                        'la_resnet32_cifar10-lt.py'),
    teacher='{{fileDirname}}/../../teachers/cifar10_lt/'
            'effnet-lite0_full_la_cifar10-lt.py',
)

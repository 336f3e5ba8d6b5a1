# ACCKD: ResNet-8 student, ImageNet EfficientNet-Lite0 teacher tuned with
# full fine-tuning + LA (the best tuned teacher on `val`; Table 1's tuned teacher),
# CIFAR-10-LT's CPU profile.
# The student is its LA baseline's network (declared once in configs/baselines/);
# the row's other methods inherit this config and set distill.method.
_base_ = [
    '../../_base_/datasets/cifar10_lt_n500.py',
    '../../_base_/distill/cifar10_lt_n500.py',
]

# each training image comes with a class-balanced partner (the mixed data of
# Algorithm 1)
train_dataloader = dict(
    dataset=dict(_delete_=True, type='ClassBalancedPairDataset',
                 dataset={{_base_.train_dataloader.dataset}}))

model = dict(
    student=dict(config='{{fileDirname}}/../../baselines/'
                        'la_resnet8_cifar10-lt-n500.py'),
    teacher='{{fileDirname}}/../../teachers/cifar10_lt/'
            'effnet-lite0_full_la_cifar10-lt-n500.py',
)

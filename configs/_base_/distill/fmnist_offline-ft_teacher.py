# Distillation on Fashion-MNIST-LT from the offline teacher's fine-tuned form:
# ResNet-8 student, ResNet-20 teacher (its config) pre-trained on the balanced pool split
#   python tools/train.py configs/teachers/offline_resnet20_fashion-mnist-pool.py
# Training pairs every sample with a class-balanced partner for ACCKD's mixing.
_base_ = [
    '../datasets/fashion_mnist_lt.py',
    '../schedules/fmnist_lt_30e.py',
    '../default_runtime.py',
]

model = dict(
    type='ClassConditionalDistiller',
    student=dict(
        type='ImageClassifier',
        backbone=dict(type='CifarResNet', depth=8, in_channels=1),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=10, in_channels=64,
                  loss=dict(type='LogitAdjustLoss', tau=1.0)),
    ),
    teacher='configs/teachers/offline_resnet20_fashion-mnist-pool.py',
    teacher_ckpt='work_dirs/offline_resnet20_fashion-mnist-pool/epoch_6.pth',
    distill=dict(method='acckd'),  # kd | wkd | dive | cckd | acckd
    priors=dict(teacher='val', train='teacher', test=None),
)
train_dataloader = dict(
    dataset=dict(_delete_=True, type='ClassBalancedPairDataset', seed=0,
                 dataset={{_base_.train_dataloader.dataset}}),
    persistent_workers=False,
)
custom_hooks = [dict(type='ClassCountsHook'), dict(type='TeacherPriorHook')]

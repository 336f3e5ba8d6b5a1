# Distillation on CIFAR-100-LT: ResNet-32 student (LA), a CLIP ViT-B/16
# teacher, ACCKD by default. As in the paper's Appendix C, no feature
# imitation (and no align layer) on CIFAR-100. CIFAR-100-LT has no validation
# split (the evaluation split is the test set), so the teacher prior comes
# from the training set resampled class-balanced.
_base_ = [
    '../datasets/cifar100_lt.py',
    '../schedules/cifar_lt_200e.py',
    '../default_runtime.py',
]

model = dict(
    type='ClassConditionalDistiller',
    student=dict(
        type='ImageClassifier',
        backbone=dict(type='CifarResNet', depth=32),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=100, in_channels=64,
                  loss=dict(type='LogitAdjustLoss', tau=1.0)),
    ),
    teacher='configs/teachers/clip-vitb16_adaptformer_la_cifar100-lt.py',
    teacher_ckpt='work_dirs/clip-vitb16_adaptformer_la_cifar100-lt/epoch_10.pth',
    distill=dict(method='acckd', feature_imitation=False),
    priors=dict(teacher='balanced_train', train='teacher', test=None),
)
train_dataloader = dict(
    dataset=dict(_delete_=True, type='ClassBalancedPairDataset', seed=0,
                 dataset={{_base_.train_dataloader.dataset}}),
    persistent_workers=False,
)
custom_hooks = [
    dict(type='ClassCountsHook'),
    dict(type='TeacherHeadHook'),  # zero-shot / NCM teachers: build or load their heads
    dict(type='TeacherPriorHook'),
]

# Distillation on iNaturalist 2018: ResNet-18 student with a cosine classifier and
# the LA loss, a CLIP ViT-B/16 teacher (AdaptFormer + LA by default), ACCKD
# with a1 = 1, a2 = 2, tau = 2 (the paper's Appendix C). iNaturalist 2018's
# validation split is also its test set, so the teacher prior comes from the
# training set resampled class-balanced instead.
_base_ = [
    '../datasets/inat2018.py',
    '../schedules/inat2018_90e.py',
    '../default_runtime.py',
]

model = dict(
    type='ClassConditionalDistiller',
    student=dict(
        type='ImageClassifier',
        backbone=dict(type='ResNet', depth=18, num_stages=4, out_indices=(3, ),
                      style='pytorch'),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='CosineClsHead', num_classes=8142, in_channels=512, scale=25.0,
                  loss=dict(type='LogitAdjustLoss', tau=1.0)),
    ),
    teacher='configs/teachers/clip-vitb16_adaptformer_la_inat2018.py',
    teacher_ckpt='work_dirs/clip-vitb16_adaptformer_la_inat2018/epoch_20.pth',
    distill=dict(method='acckd', tau=2.0, alpha1=1.0, alpha2=2.0),
    priors=dict(teacher='balanced_train', train='teacher', test=None),
)
train_dataloader = dict(
    dataset=dict(_delete_=True, type='ClassBalancedPairDataset', seed=0,
                 dataset={{_base_.train_dataloader.dataset}}),
    persistent_workers=False,
)
custom_hooks = [
    dict(type='ClassCountsHook'),
    dict(type='TeacherHeadHook'),
    dict(type='TeacherPriorHook'),
]

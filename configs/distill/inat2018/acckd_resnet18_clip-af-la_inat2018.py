# ACCKD: ResNet-18 student, CLIP ViT-B/16 AdaptFormer + LA teacher, iNaturalist 2018.
# The student is its LA baseline's network (declared once in configs/baselines/);
# the row's other methods inherit this config and set distill.method.
_base_ = [
    '../../_base_/datasets/inat2018.py',
    '../../_base_/distill/inat2018.py',
]

# each training image comes with a class-balanced partner (the mixed data of
# Algorithm 1)
train_dataloader = dict(
    dataset=dict(_delete_=True, type='ClassBalancedPairDataset',
                 dataset={{_base_.train_dataloader.dataset}}))

model = dict(
    student=dict(config='{{fileDirname}}/../../baselines/la_resnet18_inat2018.py'),
    teacher='{{fileDirname}}/../../teachers/'
            'clip-vitb16_adaptformer_la_inat2018.py',
)

# ResNet-50 on iNaturalist 2018 with plain cross-entropy (the CE baseline).
_base_ = ['./la_resnet50_inat2018.py']

model = dict(
    head=dict(loss=dict(_delete_=True, type='CrossEntropyLoss', loss_weight=1.0)))

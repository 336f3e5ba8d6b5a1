# iNaturalist 2018 seen by a CLIP teacher: 224-px crops, CLIP's mean / std, batch 128.
# The zero-shot head and the text-feature head initialisation need the species
# names: data/inat2018/iNaturalist18_classnames.txt, one name per line in label order
# (e.g. the "name" fields of LIFT's datasets/iNaturalist18/categories.json).
_base_ = ['../datasets/inat2018.py']

data_preprocessor = dict(
    num_classes=8142,
    mean=[122.770938, 116.7460125, 104.09373615],
    std=[68.5005327, 66.6321579, 70.32316305],
    to_rgb=True,
)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=224, interpolation='bicubic'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=224, edge='short', interpolation='bicubic'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]
names = dict(classnames_file='iNaturalist18_classnames.txt')
train_dataloader = dict(batch_size=128, dataset=dict(pipeline=train_pipeline, **names))
val_dataloader = dict(batch_size=128, dataset=dict(pipeline=test_pipeline, **names))
test_dataloader = dict(batch_size=128, dataset=dict(pipeline=test_pipeline, **names))

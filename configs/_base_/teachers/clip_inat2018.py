# iNaturalist 2018 seen by a CLIP teacher: 224-px crops, CLIP's mean / std, batch 128.
# The zero-shot head and the text-feature head initialisation need the species
# names: data/inat2018/iNaturalist18_classnames.txt, one name per line in label order
# (e.g. the "name" fields of LIFT's datasets/iNaturalist18/categories.json).
# The loaders are ImageNet-LT's (iNaturalist 2018 is an ImageNet-style list-file
# data set); the data, the class count and the CLIP views are set here.
_base_ = ['../datasets/imagenet_lt.py']

dataset_type = 'INaturalist2018'
data_root = 'data/inat2018'
split_files = dict(train_ann_file='iNaturalist18_train.txt')

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
train_dataloader = dict(
    batch_size=128,
    dataset=dict(type=dataset_type, data_root=data_root,
                 ann_file='iNaturalist18_train.txt', pipeline=train_pipeline, **names))
val_dataloader = dict(
    batch_size=128,
    dataset=dict(type=dataset_type, data_root=data_root,
                 ann_file='iNaturalist18_val.txt', pipeline=test_pipeline,
                 **split_files, **names))
test_dataloader = val_dataloader

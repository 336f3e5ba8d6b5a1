# ImageNet-LT (Liu et al. 2019): 115.8K training images of 1,000 classes
# (1,280 down to 5), balanced 50K test split. Expected layout:
#   data/imagenet/{train,val}/...            the ImageNet-2012 images
#   data/imagenet/ImageNet_LT_{train,val,test}.txt   the official split files
dataset_type = 'ImageNetLT'
data_root = 'data/imagenet'
split_files = dict(train_ann_file='ImageNet_LT_train.txt')

data_preprocessor = dict(
    num_classes=1000,
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    to_rgb=True,
)

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=224),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=256, edge='short'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]

train_dataloader = dict(
    batch_size=256,
    num_workers=8,
    persistent_workers=False,  # the views change every epoch (EpochSeedHook)
    dataset=dict(type=dataset_type, data_root=data_root,
                 ann_file='ImageNet_LT_train.txt', pipeline=train_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=True),
)
val_dataloader = dict(
    batch_size=256,
    num_workers=8,
    persistent_workers=True,
    dataset=dict(type=dataset_type, data_root=data_root, ann_file='ImageNet_LT_val.txt',
                 pipeline=test_pipeline, **split_files),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
# top-1 per shot group and the expected calibration error (15 bins, Guo et al. 2017)
val_evaluator = dict(type='ShotGroupAccuracy', ece_bins=15)
test_dataloader = dict(
    batch_size=256,
    num_workers=8,
    persistent_workers=True,
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='ImageNet_LT_test.txt',
        pipeline=test_pipeline,
        **split_files),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
test_evaluator = val_evaluator

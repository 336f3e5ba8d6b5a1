# iNaturalist 2018: 437.5K training images of 8,142 species (naturally
# long-tailed), balanced 24.4K validation split used as the test set. The pipelines
# and loaders are ImageNet-LT's (configs/_base_/datasets/imagenet_lt.py).
#   data/inat2018/train_val2018/...          the images
#   data/inat2018/iNaturalist18_{train,val}.txt   the split files
dataset_type = 'INaturalist2018'
data_root = 'data/inat2018'
split_files = dict(train_ann_file='iNaturalist18_train.txt')

data_preprocessor = dict(
    num_classes=8142,
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
                 ann_file='iNaturalist18_train.txt', pipeline=train_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=True),
)
val_dataloader = dict(
    batch_size=256,
    num_workers=8,
    persistent_workers=True,
    dataset=dict(type=dataset_type, data_root=data_root,
                 ann_file='iNaturalist18_val.txt', pipeline=test_pipeline,
                 **split_files),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
# top-1 per shot group and the expected calibration error (15 bins, Guo et al. 2017)
val_evaluator = dict(type='ShotGroupAccuracy', ece_bins=15)
test_dataloader = val_dataloader
test_evaluator = val_evaluator

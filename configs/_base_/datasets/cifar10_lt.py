# CIFAR-10-LT (ratio 100): 12,406 training images, 5,000 down to 50 per class;
# evaluated on the balanced 10,000-image test split.
dataset_type = 'CIFAR10LT'
data_root = 'data/cifar10'
lt_profile = dict(imbalance_ratio=100, seed=0)

data_preprocessor = dict(
    num_classes=10,
    mean=[125.307, 122.961, 113.8575],
    std=[51.5865, 50.847, 51.255],
    to_rgb=False,
)

train_pipeline = [
    dict(type='RandomCrop', crop_size=32, padding=4),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [dict(type='PackInputs')]

train_dataloader = dict(
    batch_size=128,
    num_workers=4,
    persistent_workers=True,
    dataset=dict(type=dataset_type, data_root=data_root, split='train',
                 pipeline=train_pipeline, **lt_profile),
    sampler=dict(type='DefaultSampler', shuffle=True),
)
val_dataloader = dict(
    batch_size=256,
    num_workers=4,
    persistent_workers=True,
    dataset=dict(type=dataset_type, data_root=data_root, split='test',
                 pipeline=test_pipeline, **lt_profile),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
val_evaluator = dict(type='ShotGroupAccuracy')
test_dataloader = val_dataloader
test_evaluator = val_evaluator

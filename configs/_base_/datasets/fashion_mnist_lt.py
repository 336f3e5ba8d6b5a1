# Fashion-MNIST-LT (n_max 500, ratio 100): 1,236 long-tailed training images,
# validation on the balanced `val` split (20 per class, disjoint from train),
# test on the official balanced 10,000-image test split. Settings are chosen
# on `val`, never on `test`.
dataset_type = 'FashionMNISTLT'
data_root = 'data/fashion_mnist'  # falls back to /usr/share/datasets/fashion-mnist
lt_profile = dict(imbalance_ratio=100, n_max=500, seed=0)

data_preprocessor = dict(num_classes=10, mean=[72.94], std=[90.0], to_rgb=False)

train_pipeline = [
    dict(type='RandomCrop', crop_size=28, padding=2),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [dict(type='PackInputs')]

train_dataloader = dict(
    batch_size=64,
    num_workers=0,
    persistent_workers=False,  # no workers to keep (MMPretrain's tools default to True)
    dataset=dict(type=dataset_type, data_root=data_root, split='train',
                 pipeline=train_pipeline, **lt_profile),
    sampler=dict(type='DefaultSampler', shuffle=True),
)
val_dataloader = dict(
    batch_size=256,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(type=dataset_type, data_root=data_root, split='val',
                 pipeline=test_pipeline, **lt_profile),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
# top-1 per shot group and the expected calibration error (15 bins, Guo et al. 2017)
val_evaluator = dict(type='ShotGroupAccuracy', ece_bins=15)
test_dataloader = dict(
    batch_size=256,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(type=dataset_type, data_root=data_root, split='test',
                 pipeline=test_pipeline, **lt_profile),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
test_evaluator = dict(type='ShotGroupAccuracy', ece_bins=15)

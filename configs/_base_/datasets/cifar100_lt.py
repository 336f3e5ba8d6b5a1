# CIFAR-100-LT (ratio 100): 10,847 training images, 500 down to 5 per class;
# evaluated on the balanced 10,000-image test split. As Cao et al. 2019 (LDAM-DRW,
# which the paper follows): the same training images (ldam_subset, seed 0 as their
# rand_number), random 32-px crops of the 4-px padded image and horizontal flips,
# normalised with the statistics their cifar_train.py uses for CIFAR-100 too.
dataset_type = 'CIFAR100LT'
data_root = 'data/cifar100'
lt_profile = dict(imbalance_ratio=100, seed=0, ldam_subset=True)

data_preprocessor = dict(
    num_classes=100,
    # LDAM-DRW: Normalize((0.4914, 0.4822, 0.4465), (0.2023, 0.1994, 0.2010)), x 255
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
    persistent_workers=False,  # the views change every epoch (EpochSeedHook)
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
# top-1 per shot group and the expected calibration error (15 bins, Guo et al. 2017)
val_evaluator = dict(type='ShotGroupAccuracy', ece_bins=15)
test_dataloader = val_dataloader
test_evaluator = val_evaluator

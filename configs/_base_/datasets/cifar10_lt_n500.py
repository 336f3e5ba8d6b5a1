# CIFAR-10-LT, the CPU profile (n_max 500, ratio 100): 1,236 long-tailed training
# images (500 down to 5 per class), validation on a balanced `val` split of 100
# images per class carved from the training images `train` does not use (disjoint
# for any ratio and n_max with the same seed), test on the official balanced
# 10,000-image test split. Settings are chosen on `val`, never on `test`. The
# images are in memory (batched pipeline, no workers). verify_md5=False: the
# offline benchmark reads a re-encoded (JPEG) copy whose md5 sums are not the
# official ones; with the official files it may be True.
# It sits on the CIFAR-100-LT base (pipelines, loaders, metric) as the standard
# profile does, with CIFAR-10's files and classes.
_base_ = ['./cifar100_lt.py']

dataset_type = 'CIFAR10LT'
data_root = 'data/cifar10'
data_preprocessor = dict(num_classes=10)
lt_profile = dict(imbalance_ratio=100, n_max=500, seed=0, ldam_subset=True,
                  val_per_class=100, verify_md5=False)
split_loader = dict(num_workers=0, persistent_workers=False,
                    sampler=dict(type='DefaultSampler', shuffle=False))

train_dataloader = dict(
    batch_size=64,
    num_workers=0,
    dataset=dict(_delete_=True, type='CIFAR10LT', data_root='data/cifar10',
                 split='train', pipeline={{_base_.train_pipeline}}, **lt_profile),
)
val_dataloader = dict(
    batch_size=256,
    **split_loader,
    dataset=dict(_delete_=True, type='CIFAR10LT', data_root='data/cifar10',
                 split='val', pipeline={{_base_.test_pipeline}}, **lt_profile),
)
test_dataloader = dict(
    batch_size=256,
    **split_loader,
    dataset=dict(_delete_=True, type='CIFAR10LT', data_root='data/cifar10',
                 split='test', pipeline={{_base_.test_pipeline}}, **lt_profile),
)
test_evaluator = {{_base_.val_evaluator}}

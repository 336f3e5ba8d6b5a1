# CIFAR-10-LT, the standard profile (ratio 100): 12,406 training images, 5,000 down to
# 50 per class; the CIFAR-100-LT settings (LDAM-DRW's, whose statistics are
# CIFAR-10's) with CIFAR-10's files. Class 0 uses all its 5,000 training images, so
# no validation split can be carved from the unused ones: as the paper and LDAM-DRW,
# this profile evaluates on the balanced 10,000-image test split, and its settings
# are the paper's (Appendix C), none chosen here. A copy of CIFAR-10 that is not the
# official files (a re-encoding) needs verify_md5=False in each split.
_base_ = ['./cifar100_lt.py']

dataset_type = 'CIFAR10LT'
data_root = 'data/cifar10'
data_preprocessor = dict(num_classes=10)
train_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root))
val_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root))
test_dataloader = val_dataloader

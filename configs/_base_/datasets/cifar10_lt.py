# CIFAR-10-LT (ratio 100): 12,406 training images, 5,000 down to 50 per class;
# the CIFAR-100-LT settings (LDAM-DRW's, whose statistics are CIFAR-10's) with
# CIFAR-10's files.
_base_ = ['./cifar100_lt.py']

dataset_type = 'CIFAR10LT'
data_root = 'data/cifar10'
data_preprocessor = dict(num_classes=10)
train_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root))
val_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root))
test_dataloader = val_dataloader

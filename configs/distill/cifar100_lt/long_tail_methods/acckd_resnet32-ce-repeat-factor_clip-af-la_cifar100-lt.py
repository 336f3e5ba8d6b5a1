# ACCKD on repeat-factor resampled data (mmengine's ClassBalancedDataset, t = 0.001
# as configs/baselines/repeat-factor_resnet32_cifar100-lt.py) under the class-balanced
# partners; CE student, CIFAR-100-LT.
_base_ = ['./acckd_resnet32-ce_clip-af-la_cifar100-lt.py']

train_dataloader = dict(
    dataset=dict(dataset=dict(
        _delete_=True, type='ClassBalancedDataset', oversample_thr=0.001,
        dataset={{_base_.train_dataloader.dataset.dataset}})))

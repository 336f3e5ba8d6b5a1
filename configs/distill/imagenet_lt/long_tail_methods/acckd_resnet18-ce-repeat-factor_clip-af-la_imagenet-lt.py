# ACCKD on repeat-factor resampled data (mmengine's ClassBalancedDataset, t = 0.001
# as configs/baselines/repeat-factor_resnet18_imagenet-lt.py) under the class-balanced
# partners; CE student, ImageNet-LT.
_base_ = ['./acckd_resnet18-ce_clip-af-la_imagenet-lt.py']

train_dataloader = dict(
    dataset=dict(dataset=dict(
        _delete_=True, type='ClassBalancedDataset', oversample_thr=0.001,
        dataset={{_base_.train_dataloader.dataset.dataset}})))

# ACCKD on repeat-factor resampled data: the CE student of
# configs/baselines/repeat-factor_resnet8_fashion-mnist-lt.py (mmengine's
# ClassBalancedDataset, t = 1 as there) under the class-balanced partners, which
# wrap the repeated set; the counts the losses and priors use stay the images held.
_base_ = ['./acckd_resnet8-ce_offline-ft_fashion-mnist-lt.py']

train_dataloader = dict(
    dataset=dict(dataset=dict(
        _delete_=True, type='ClassBalancedDataset', oversample_thr=1.0,
        dataset={{_base_.train_dataloader.dataset.dataset}})))

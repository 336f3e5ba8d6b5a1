# ACCKD with progressively-balanced sampling of the real samples (instance- to
# class-balanced over the epochs, ClassPowerSampler); CE student.
_base_ = ['./acckd_resnet8-ce_offline-ft_fashion-mnist-lt.py']

train_dataloader = dict(
    sampler=dict(_delete_=True, type='ClassPowerSampler', power=0.0,
                 progressive=True))

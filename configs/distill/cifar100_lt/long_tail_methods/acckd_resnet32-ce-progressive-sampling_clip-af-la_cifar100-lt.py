# ACCKD with progressively-balanced sampling of the real samples; CE student,
# CIFAR-100-LT.
_base_ = ['./acckd_resnet32-ce_clip-af-la_cifar100-lt.py']

train_dataloader = dict(
    sampler=dict(_delete_=True, type='ClassPowerSampler', power=0.0,
                 progressive=True))

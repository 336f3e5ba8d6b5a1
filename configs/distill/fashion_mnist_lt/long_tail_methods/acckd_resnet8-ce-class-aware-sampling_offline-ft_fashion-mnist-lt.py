# ACCKD with class-aware sampling (ClassPowerSampler, power 0) of the real samples;
# each keeps its own class-balanced partner for the mixed data. CE student.
_base_ = ['./acckd_resnet8-ce_offline-ft_fashion-mnist-lt.py']

train_dataloader = dict(
    sampler=dict(_delete_=True, type='ClassPowerSampler', power=0.0))

# ACCKD with class-aware sampling of the real samples (ClassPowerSampler, power 0);
# CE student, ImageNet-LT.
_base_ = ['./acckd_resnet18-ce_clip-af-la_imagenet-lt.py']

train_dataloader = dict(
    sampler=dict(_delete_=True, type='ClassPowerSampler', power=0.0))

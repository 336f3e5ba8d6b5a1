# The CE baseline with class-aware sampling (Shen et al. 2016), ImageNet-LT: a class
# uniformly, then one of its images (ClassPowerSampler, power 0).
_base_ = ['./ce_resnet18_imagenet-lt.py']

train_dataloader = dict(
    sampler=dict(_delete_=True, type='ClassPowerSampler', power=0.0))

# The CE baseline with class-aware sampling (Shen et al. 2016), CIFAR-100-LT: a class
# uniformly, then one of its images (ClassPowerSampler, power 0).
_base_ = ['./ce_resnet32_cifar100-lt.py']

train_dataloader = dict(
    sampler=dict(_delete_=True, type='ClassPowerSampler', power=0.0))

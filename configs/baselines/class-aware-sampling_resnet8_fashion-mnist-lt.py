# The CE baseline with class-aware sampling (Shen et al. 2016): every draw picks a
# class uniformly, then one of its images (ClassPowerSampler, power 0); an epoch
# holds as many draws as there are training images.
_base_ = ['./ce_resnet8_fashion-mnist-lt.py']

train_dataloader = dict(
    sampler=dict(_delete_=True, type='ClassPowerSampler', power=0.0))

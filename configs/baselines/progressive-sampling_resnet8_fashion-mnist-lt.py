# The CE baseline with progressively-balanced sampling (Kang et al. 2020): the class
# probabilities move linearly from instance-balanced at the first epoch to
# class-balanced at the last (ClassPowerSampler, power 0, progressive).
_base_ = ['./ce_resnet8_fashion-mnist-lt.py']

train_dataloader = dict(
    sampler=dict(_delete_=True, type='ClassPowerSampler', power=0.0,
                 progressive=True))

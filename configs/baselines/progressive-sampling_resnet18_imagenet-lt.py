# The CE baseline with progressively-balanced sampling (Kang et al. 2020), ImageNet-LT:
# instance-balanced at the first epoch to class-balanced at the last.
_base_ = ['./ce_resnet18_imagenet-lt.py']

train_dataloader = dict(
    sampler=dict(_delete_=True, type='ClassPowerSampler', power=0.0,
                 progressive=True))

# The tau-normalised classifier (Kang et al. 2020) of the CE baseline, CIFAR-100-LT:
# no training; tools/test.py divides each class weight by its norm ** tau (tau = 1;
# choose it on `val`: default_hooks.tau_norm.tau=...).
_base_ = ['./ce_resnet32_cifar100-lt.py']

default_hooks = dict(tau_norm=dict(type='TauNormHook', tau=1.0))

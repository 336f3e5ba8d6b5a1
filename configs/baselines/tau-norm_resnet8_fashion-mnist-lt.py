# The tau-normalised classifier (Kang et al. 2020) of the CE baseline: no training,
# tools/test.py divides each class weight by its norm ** tau before testing
# (TauNormHook) and tests the CE checkpoint as it is:
#   python tools/test.py configs/baselines/tau-norm_resnet8_fashion-mnist-lt.py \
#       work_dirs/ce_resnet8_fashion-mnist-lt/epoch_30.pth
# tau is chosen on val: --cfg-options default_hooks.tau_norm.tau=0.5 \
#   test_dataloader.dataset.split=val
_base_ = ['./ce_resnet8_fashion-mnist-lt.py']

default_hooks = dict(tau_norm=dict(type='TauNormHook', tau=1.0))

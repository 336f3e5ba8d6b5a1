# The tau-normalised classifier of the ACCKD student with CE as L_sup: no training,
# tools/test.py divides the student's class weights by their norm ** tau:
#   python tools/test.py CONFIG \
#       work_dirs/acckd_resnet8-ce_offline-ft_fashion-mnist-lt/epoch_30.pth
# tau chosen on val as for the CE baseline (default_hooks.tau_norm.tau=...).
_base_ = ['./acckd_resnet8-ce_offline-ft_fashion-mnist-lt.py']

default_hooks = dict(tau_norm=dict(type='TauNormHook', tau=1.0))

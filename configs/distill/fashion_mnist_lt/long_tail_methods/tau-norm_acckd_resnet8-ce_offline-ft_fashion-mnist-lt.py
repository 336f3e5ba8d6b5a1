# The tau-normalised classifier of the ACCKD student with CE as L_sup: no training,
# tools/test.py divides the student's class weights by their norm ** tau:
#   python tools/test.py CONFIG CHECKPOINT  (the epoch_30.pth of that config)
# tau = 0.5 was chosen on val for every seed (grid 0, 0.5, 1, 1.5, 2: the menu in
# projects/fmnist_lt/README.md; 1 for the CE baseline).
_base_ = ['./acckd_resnet8-ce_offline-ft_fashion-mnist-lt.py']

default_hooks = dict(tau_norm=dict(type='TauNormHook', tau=0.5))

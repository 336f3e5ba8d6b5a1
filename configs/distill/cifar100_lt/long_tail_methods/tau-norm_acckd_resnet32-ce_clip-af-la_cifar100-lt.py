# The tau-normalised classifier of the ACCKD student with CE as L_sup, CIFAR-100-LT: no
# training, tools/test.py on its checkpoint (tau = 1; choose it on `val`).
_base_ = ['./acckd_resnet32-ce_clip-af-la_cifar100-lt.py']

default_hooks = dict(tau_norm=dict(type='TauNormHook', tau=1.0))

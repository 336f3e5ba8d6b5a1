# The LA baseline's network with LADE (Hong et al. 2021) in place of LA,
# CIFAR-10-LT's CPU profile.
_base_ = ['./la_resnet8_cifar10-lt-n500.py']

model = dict(head=dict(loss=dict(_delete_=True, type='LADELoss')))

# The LA baseline's network with LADE (Hong et al. 2021) in place of LA,
# CIFAR-100-LT.
_base_ = ['./la_resnet32_cifar100-lt.py']

model = dict(head=dict(loss=dict(_delete_=True, type='LADELoss')))

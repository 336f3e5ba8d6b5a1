# Learnable weight scaling (LWS, Kang et al. 2020) on CIFAR-100-LT: as cRT
# (crt_resnet32_cifar100-lt.py) but the stage-1 classifier is kept frozen; only one
# scale per class of its weights is learnt.
_base_ = ['./crt_resnet32_cifar100-lt.py']

model = dict(head=dict(type='LWSClsHead'))
load_from_skip = ['head.scales']

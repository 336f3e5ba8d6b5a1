# The LA baseline's network with balanced softmax (Ren et al. 2020) in place of LA,
# ImageNet-LT.
_base_ = ['./la_resnet18_imagenet-lt.py']

model = dict(head=dict(loss=dict(_delete_=True, type='BalancedSoftmaxLoss')))

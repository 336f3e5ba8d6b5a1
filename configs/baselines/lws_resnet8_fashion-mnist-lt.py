# Learnable weight scaling (LWS, Kang et al. 2020) on Fashion-MNIST-LT: stage 2 of
# the CE baseline, as cRT (crt_resnet8_fashion-mnist-lt.py: the stage-1 network
# frozen whole, class-balanced batches, 10 epochs) but the stage-1 classifier is
# kept and frozen too; only one scale per class of its weights is learnt.
#   --cfg-options load_from=PATH (any checkpoint of this network)
_base_ = ['./crt_resnet8_fashion-mnist-lt.py']

model = dict(head=dict(type='LWSClsHead'))
load_from_skip = ['head.scales']

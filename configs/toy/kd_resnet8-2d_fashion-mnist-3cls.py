# Figure 1: KD on the three-class toy (2-D ResNet-8 student and teacher).
_base_ = ['./acckd_resnet8-2d_fashion-mnist-3cls.py']

model = dict(distill=dict(method='kd'))

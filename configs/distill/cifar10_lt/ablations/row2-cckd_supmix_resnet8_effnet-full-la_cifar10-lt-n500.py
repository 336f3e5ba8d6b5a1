# Table 3, row 2: L_cckd + L_sup_mix on top of L_sup (ResNet-8 student,
# EfficientNet-Lite0 full fine-tuning + LA teacher, CIFAR-10-LT's CPU profile; row 1 is
# the CCKD config and row 4 the ACCKD config: the CIFAR recipe has no feature
# imitation).
_base_ = ['../acckd_resnet8_effnet-full-la_cifar10-lt-n500.py']

model = dict(distill=dict(method='acckd', terms=dict(
    cckd=True, cckd_mix=False, sup_mix=True, fi=False, fi_mix=False)))

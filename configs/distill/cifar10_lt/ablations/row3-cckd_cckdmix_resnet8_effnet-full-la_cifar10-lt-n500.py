# Table 3, row 3: L_cckd + L_cckd_mix on top of L_sup (ResNet-8 student,
# EfficientNet-Lite0 full fine-tuning + LA teacher, CIFAR-10-LT's CPU profile).
_base_ = ['../acckd_resnet8_effnet-full-la_cifar10-lt-n500.py']

model = dict(distill=dict(method='acckd', terms=dict(
    cckd=True, cckd_mix=True, sup_mix=False, fi=False, fi_mix=False)))

# Figure 9 (Appendix G): training on the synthetic (mixed) data only, L_sup_mix +
# L_cckd_mix; the real data only (L_sup + L_cckd) is the CCKD config and both is the
# ACCKD config (ResNet-8 student, EfficientNet-Lite0 full fine-tuning + LA teacher,
# CIFAR-10-LT's CPU profile).
_base_ = ['../acckd_resnet8_effnet-full-la_cifar10-lt-n500.py']

model = dict(distill=dict(method='acckd', terms=dict(
    sup=False, cckd=False, fi=False, sup_mix=True, cckd_mix=True, fi_mix=False)))

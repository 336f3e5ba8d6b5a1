# Table 3, row 5: ACCKD (rows 1-4) + L_fi, feature imitation on the real images,
# which the CIFAR recipe leaves out (Appendix C): a 64 -> 1280 linear layer on a
# side branch that only L_fi reads, so the student network stays the LA
# baseline's (ResNet-8 student, EfficientNet-Lite0 full fine-tuning + LA teacher).
_base_ = ['../acckd_resnet8_effnet-full-la_cifar10-lt-n500.py']

model = dict(distill=dict(method='acckd', feature_imitation=True, align='branch',
                          terms=dict(cckd=True, cckd_mix=True, sup_mix=True, fi=True,
                                     fi_mix=False)))

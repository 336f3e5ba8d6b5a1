# Table 3, row 6: ACCKD with feature imitation on the real and the mixed images
# (L_fi + L_fi_mix), which the CIFAR recipe leaves out (Appendix C): a 64 -> 1280
# linear layer on a side branch that only feature imitation reads (ResNet-8
# student, EfficientNet-Lite0 full fine-tuning + LA teacher, CIFAR-10-LT's CPU profile).
_base_ = ['../acckd_resnet8_effnet-full-la_cifar10-lt-n500.py']

model = dict(distill=dict(feature_imitation=True, align='branch'))

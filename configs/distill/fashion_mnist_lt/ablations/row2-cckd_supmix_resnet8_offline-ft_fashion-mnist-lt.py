# Table 3, row 2: L_cckd + L_sup_mix on top of L_sup
# (ResNet-8 student, offline fine-tuned ResNet-20 teacher, Fashion-MNIST-LT; row 1
# is the CCKD config and row 6 the ACCKD config).
_base_ = ['../acckd_resnet8_offline-ft_fashion-mnist-lt.py']

model = dict(distill=dict(method='acckd', terms=dict(
    cckd=True, cckd_mix=False, sup_mix=True, fi=False, fi_mix=False)))

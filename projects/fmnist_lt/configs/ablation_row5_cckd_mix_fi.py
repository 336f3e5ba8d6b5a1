# Table 3, row 5: L_cckd + L_sup_mix + L_cckd_mix + L_fi on top of L_sup
# (ResNet-8 student, offline fine-tuned ResNet-20 teacher, Fashion-MNIST-LT).
_base_ = ['../../../configs/distill/fashion_mnist_lt/acckd_resnet8_offline-ft_fashion-mnist-lt.py']

model = dict(distill=dict(terms=dict(cckd=True, sup_mix=True, cckd_mix=True, fi=True, fi_mix=False)))

# CCKD: ResNet-8 student, offline fine-tuned ResNet-20 teacher, Fashion-MNIST-LT.
_base_ = ['../../_base_/distill/fmnist_offline-ft_teacher.py']

model = dict(distill=dict(method='cckd'))

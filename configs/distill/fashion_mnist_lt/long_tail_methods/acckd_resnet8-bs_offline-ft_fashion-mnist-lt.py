# ACCKD with balanced softmax (Ren et al. 2020) as L_sup: the ResNet-8 student of
# configs/baselines/bs_resnet8_fashion-mnist-lt.py, offline fine-tuned
# ResNet-20 teacher, Fashion-MNIST-LT (the long-tail menu, Table 6 extended).
_base_ = ['../acckd_resnet8_offline-ft_fashion-mnist-lt.py']

model = dict(
    student=dict(config='{{fileDirname}}/../../../baselines/'
                        'bs_resnet8_fashion-mnist-lt.py'),
)

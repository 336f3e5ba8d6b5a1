# Table 6: ACCKD with LADE (Hong et al. 2021) as L_sup: ResNet-8 student of the
# LADE baseline, offline fine-tuned ResNet-20 teacher, Fashion-MNIST-LT.
_base_ = ['../acckd_resnet8_offline-ft_fashion-mnist-lt.py']

model = dict(
    student=dict(config='{{fileDirname}}/../../../baselines/'
                        'lade_resnet8_fashion-mnist-lt.py'),
)

# Table 6: ACCKD with CDT (Ye et al. 2020) as L_sup: ResNet-8 student of the
# CDT baseline, offline fine-tuned ResNet-20 teacher, Fashion-MNIST-LT.
_base_ = ['../acckd_resnet8_offline-ft_fashion-mnist-lt.py']

model = dict(
    student=dict(config='{{fileDirname}}/../../../baselines/'
                        'cdt_resnet8_fashion-mnist-lt.py'),
)

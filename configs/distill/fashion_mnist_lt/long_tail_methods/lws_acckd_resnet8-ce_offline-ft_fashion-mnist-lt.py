# LWS on the ACCKD student with CE as L_sup: stage 2 of
# configs/baselines/lws_resnet8_fashion-mnist-lt.py from the exported student (see
# crt_acckd_resnet8-ce_offline-ft_fashion-mnist-lt.py).
_base_ = ['../../../baselines/lws_resnet8_fashion-mnist-lt.py']

load_from = 'work_dirs/acckd_resnet8-ce_offline-ft_fashion-mnist-lt/student.pth'

# LWS on the ACCKD student with CE as L_sup, CIFAR-100-LT: stage 2 of
# configs/baselines/lws_resnet32_cifar100-lt.py from the exported student (see
# crt_acckd_resnet32-ce_clip-af-la_cifar100-lt.py).
_base_ = ['../../../baselines/lws_resnet32_cifar100-lt.py']

load_from = 'work_dirs/acckd_resnet32-ce_clip-af-la_cifar100-lt/student.pth'

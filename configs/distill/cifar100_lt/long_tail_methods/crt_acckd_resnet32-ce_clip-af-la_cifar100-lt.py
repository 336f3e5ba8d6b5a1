# cRT on the ACCKD student with CE as L_sup, CIFAR-100-LT: stage 2 of
# configs/baselines/crt_resnet32_cifar100-lt.py from the student exported as a plain
# ImageClassifier (tools/model_converters/export_student.py CONFIG CHECKPOINT
# work_dirs/acckd_resnet32-ce_clip-af-la_cifar100-lt/student.pth).
_base_ = ['../../../baselines/crt_resnet32_cifar100-lt.py']

load_from = 'work_dirs/acckd_resnet32-ce_clip-af-la_cifar100-lt/student.pth'

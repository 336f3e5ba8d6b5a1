# cRT on the ACCKD student with CE as L_sup, ImageNet-LT: stage 2 of
# configs/baselines/crt_resnet18_imagenet-lt.py from the student exported as a plain
# ImageClassifier (tools/model_converters/export_student.py CONFIG CHECKPOINT
# work_dirs/acckd_resnet18-ce_clip-af-la_imagenet-lt/student.pth).
_base_ = ['../../../baselines/crt_resnet18_imagenet-lt.py']

load_from = 'work_dirs/acckd_resnet18-ce_clip-af-la_imagenet-lt/student.pth'

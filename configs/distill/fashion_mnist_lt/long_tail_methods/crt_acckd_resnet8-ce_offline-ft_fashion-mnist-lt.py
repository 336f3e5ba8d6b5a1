# Classifier re-training (cRT) on the ACCKD student with CE as L_sup: stage 2 of
# configs/baselines/crt_resnet8_fashion-mnist-lt.py (frozen backbone, weights and
# BatchNorm statistics; class-balanced batches; a new classifier) from the student
# exported as a plain ImageClassifier:
#   python tools/model_converters/export_student.py \
#       configs/distill/fashion_mnist_lt/long_tail_methods/\
#           acckd_resnet8-ce_offline-ft_fashion-mnist-lt.py \
#       work_dirs/acckd_resnet8-ce_offline-ft_fashion-mnist-lt/epoch_30.pth \
#       work_dirs/acckd_resnet8-ce_offline-ft_fashion-mnist-lt/student.pth
_base_ = ['../../../baselines/crt_resnet8_fashion-mnist-lt.py']

load_from = 'work_dirs/acckd_resnet8-ce_offline-ft_fashion-mnist-lt/student.pth'

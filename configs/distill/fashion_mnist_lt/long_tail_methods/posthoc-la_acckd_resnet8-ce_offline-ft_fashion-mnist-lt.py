# Post-hoc logit adjustment of the ACCKD student with CE as L_sup: no training,
# tools/test.py predicts argmax(log p(y|x) - tau * log p_tr(y)):
#   python tools/test.py CONFIG \
#       work_dirs/acckd_resnet8-ce_offline-ft_fashion-mnist-lt/epoch_30.pth
# tau = 1 is Menon et al.'s; choose it on val (test_evaluator.logit_adjust_tau=...).
_base_ = ['./acckd_resnet8-ce_offline-ft_fashion-mnist-lt.py']

test_evaluator = dict(logit_adjust_tau=1.0)

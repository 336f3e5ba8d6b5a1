# Post-hoc logit adjustment of the ACCKD student with CE as L_sup: no training,
# tools/test.py predicts argmax(log p(y|x) - tau * log p_tr(y)):
#   python tools/test.py CONFIG CHECKPOINT  (the epoch_30.pth of that config)
# tau = 0.5 was chosen on val for every seed (grid 0, 0.5, 1, 1.5, 2: the menu in
# projects/fmnist_lt/README.md; 1, Menon et al.'s, for the CE baseline).
_base_ = ['./acckd_resnet8-ce_offline-ft_fashion-mnist-lt.py']

test_evaluator = dict(logit_adjust_tau=0.5)

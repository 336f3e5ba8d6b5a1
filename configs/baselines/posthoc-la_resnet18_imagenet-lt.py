# Post-hoc logit adjustment (Menon et al. 2021) of the CE baseline, ImageNet-LT: no
# training; tools/test.py predicts argmax(log p(y|x) - tau * log p_tr(y)) on the CE
# checkpoint. tau = 1 is Menon et al.'s (choose it on `val`).
_base_ = ['./ce_resnet18_imagenet-lt.py']

test_evaluator = dict(logit_adjust_tau=1.0)

# Post-hoc logit adjustment (Menon et al. 2021) of the CE baseline: no training,
# tools/test.py predicts argmax(log p(y|x) - tau * log p_tr(y)) with the training
# prior p_tr, on the CE checkpoint as it is:
#   python tools/test.py configs/baselines/posthoc-la_resnet8_fashion-mnist-lt.py \
#       work_dirs/ce_resnet8_fashion-mnist-lt/epoch_30.pth
# tau = 1 is Menon et al.'s; choose it on val: --cfg-options \
#   test_evaluator.logit_adjust_tau=1.5 test_dataloader.dataset.split=val
_base_ = ['./ce_resnet8_fashion-mnist-lt.py']

test_evaluator = dict(logit_adjust_tau=1.0)

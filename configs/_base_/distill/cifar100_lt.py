# Distillation on CIFAR-100-LT (the paper's Appendix C, after Cao et al. 2019): the
# CIFAR-100-LT schedule (batch 128, 200 epochs, SGD lr 0.1, momentum 0.9,
# weight decay 5e-4, lr x0.01 after epoch 160 and x0.0001 after 180), ACCKD by
# default. Appendix C: "In the ACCKD experiments on CIFAR-100, ... the feature align
# layer and feature imitation loss were not used." CIFAR-100-LT has no validation
# split (the evaluation split is the test set), so the teacher prior comes from the
# training set resampled class-balanced.
_base_ = [
    '../schedules/cifar_lt_200e.py',
    '../default_runtime.py',
    './class_conditional.py',
]

model = dict(distill=dict(feature_imitation=False),
             priors=dict(teacher='balanced_train'))

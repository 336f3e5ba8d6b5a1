# Distillation on iNaturalist 2018 (the paper's Appendix C): the iNaturalist
# schedule (batch 256, 90 epochs, SGD lr 0.2, momentum 0.9, weight decay 5e-4,
# cosine), ACCKD by default; tau, a1 and a2 are the distiller's defaults
# (docs/conventions.md). iNaturalist 2018's validation split is also its test set,
# so the teacher prior comes from the training set resampled class-balanced.
_base_ = [
    '../schedules/inat2018_90e.py',
    '../default_runtime.py',
    './class_conditional.py',
]

model = dict(priors=dict(teacher='balanced_train'))

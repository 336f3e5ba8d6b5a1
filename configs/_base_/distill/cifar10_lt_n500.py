# Distillation on CIFAR-10-LT's CPU profile (1,236 images): its schedule,
# ACCKD by default; tau, a1 and a2 are the distiller's defaults
# (docs/conventions.md). The CIFAR recipe of the paper's Appendix C: "In the ACCKD
# experiments on CIFAR-100, ... the feature align layer and feature imitation loss
# were not used." The teacher prior is estimated on the balanced `val` split. Each
# table row's ACCKD leaf (configs/distill/cifar10_lt/acckd_*.py) names its student
# and teacher; the row's other methods inherit that leaf.
_base_ = [
    '../schedules/cifar10_lt_n500.py',
    '../default_runtime.py',
    './class_conditional.py',
]

model = dict(distill=dict(feature_imitation=False))

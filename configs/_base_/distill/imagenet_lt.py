# Distillation on ImageNet-LT (the paper's Appendix C): the ImageNet-LT
# schedule (batch 256, 200 epochs, SGD lr 0.2, momentum 0.9, weight decay 5e-4,
# cosine), ACCKD by default. tau (2 for CCKD / ACCKD, 1 for KD / WKD / DiVE),
# a1 = 1 and a2 = 2 are the distiller's defaults (docs/conventions.md). Each
# table row's ACCKD leaf (configs/distill/imagenet_lt/acckd_*.py) names its student
# and teacher; the row's other methods inherit that leaf. The teacher prior is
# estimated on the ImageNet-LT validation split.
_base_ = [
    '../schedules/imagenet_lt_200e.py',
    '../default_runtime.py',
    './class_conditional.py',
]

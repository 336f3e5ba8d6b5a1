# Distillation on Fashion-MNIST-LT, the offline benchmark: the baselines'
# schedule (batch 64, 30 epochs, SGD lr 0.05, cosine), ACCKD by
# default; tau, a1 and a2 are the distiller's defaults (docs/conventions.md). The
# teacher prior is estimated on the balanced `val` split. Each table row's ACCKD
# leaf (configs/distill/fashion_mnist_lt/acckd_*.py) names its student and teacher;
# the row's other methods inherit that leaf.
_base_ = [
    '../schedules/fmnist_lt_30e.py',
    '../default_runtime.py',
    './class_conditional.py',
]

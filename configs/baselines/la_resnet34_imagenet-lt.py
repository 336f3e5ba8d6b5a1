# ResNet-34 on ImageNet-LT with a cosine classifier and the logit-adjusted loss: the
# LA baseline, and the student network of every ResNet-34 distillation config.
_base_ = [
    '../_base_/models/resnet34_cosine_la.py',
    '../_base_/datasets/imagenet_lt.py',
    '../_base_/schedules/imagenet_lt_200e.py',
    '../_base_/default_runtime.py',
]

# ResNet-18 on iNaturalist 2018 with a cosine classifier and the logit-adjusted loss:
# the LA baseline, and the student network of every ResNet-18 distillation config.
_base_ = [
    '../_base_/models/resnet18_cosine_la.py',
    '../_base_/datasets/inat2018.py',
    '../_base_/schedules/inat2018_90e.py',
    '../_base_/default_runtime.py',
]

model = dict(head=dict(num_classes=8142))

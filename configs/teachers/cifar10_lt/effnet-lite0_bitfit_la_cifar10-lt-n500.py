# BitFit + LA teacher: the head and every bias of EfficientNet-Lite0 (its
# BatchNorm shifts; the statistics stay) train.
_base_ = ['./effnet-lite0_head-only_la_cifar10-lt-n500.py']

model = dict(backbone=dict(peft=dict(type='BiasTuning')))

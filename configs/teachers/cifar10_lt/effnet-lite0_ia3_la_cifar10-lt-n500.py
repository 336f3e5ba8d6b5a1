# IA3 + LA teacher: peft's IA3 scales on EfficientNet-Lite0's pointwise
# convolutions (the input of each block's projection, the output of the others),
# and the head, train.
_base_ = ['./effnet-lite0_head-only_la_cifar10-lt-n500.py']

model = dict(backbone=dict(peft=dict(type='PeftTuner', method='IA3')))

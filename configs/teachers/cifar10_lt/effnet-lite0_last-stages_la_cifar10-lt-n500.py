# Last-stages + LA teacher: the head, EfficientNet-Lite0's last stage and its head
# convolution (the last 2 of its 9 units: 1.0 M of 3.4 M weights) train.
_base_ = ['./effnet-lite0_head-only_la_cifar10-lt-n500.py']

model = dict(backbone=dict(peft=dict(type='BlockTuning', num_blocks=2)))

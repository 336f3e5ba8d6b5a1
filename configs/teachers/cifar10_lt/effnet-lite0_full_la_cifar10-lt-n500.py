# Full fine-tuning + LA teacher: every weight of EfficientNet-Lite0 and the head
# train (the BatchNorm statistics stay the pre-trained ones).
_base_ = ['./effnet-lite0_head-only_la_cifar10-lt-n500.py']

model = dict(backbone=dict(peft=dict(type='BlockTuning', num_blocks=None)))

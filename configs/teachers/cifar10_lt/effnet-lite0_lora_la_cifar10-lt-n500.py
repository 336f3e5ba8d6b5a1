# LoRA + LA teacher: peft's LoRA (rank 8) on EfficientNet-Lite0's pointwise
# convolutions and head convolution, and the head, train.
_base_ = ['./effnet-lite0_head-only_la_cifar10-lt-n500.py']

model = dict(backbone=dict(peft=dict(type='PeftTuner', method='LORA',
                                     config=dict(r=8))))

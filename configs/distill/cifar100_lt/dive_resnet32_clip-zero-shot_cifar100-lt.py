# DiVE: ResNet-32 student, CLIP ViT-B/16 zero-shot teacher, CIFAR-100-LT.
_base_ = ['../../_base_/distill/cifar100_lt/resnet32_zero-shot.py']

model = dict(distill=dict(method='dive'))

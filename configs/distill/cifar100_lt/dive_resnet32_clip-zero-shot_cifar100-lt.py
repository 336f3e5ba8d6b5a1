# DiVE: ResNet-32 student, CLIP ViT-B/16 zero-shot teacher, CIFAR-100-LT.
_base_ = ['./acckd_resnet32_clip-zero-shot_cifar100-lt.py']

model = dict(distill=dict(method='dive'))

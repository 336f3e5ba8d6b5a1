# WKD: ResNet-32 student, CLIP ViT-B/16 NCM teacher, CIFAR-100-LT.
_base_ = ['./acckd_resnet32_clip-ncm_cifar100-lt.py']

model = dict(distill=dict(method='wkd'))

# WKD: ResNet-32 student, CLIP ViT-B/16 AdaptFormer + LA teacher, CIFAR-100-LT.
_base_ = ['./acckd_resnet32_clip-af-la_cifar100-lt.py']

model = dict(distill=dict(method='wkd'))

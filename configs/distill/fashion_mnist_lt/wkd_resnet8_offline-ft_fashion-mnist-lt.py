# WKD: ResNet-8 student, offline ResNet-20 teacher (its fine-tuned head),
# Fashion-MNIST-LT.
_base_ = ['./acckd_resnet8_offline-ft_fashion-mnist-lt.py']

model = dict(distill=dict(method='wkd'))

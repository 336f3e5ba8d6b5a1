# KD: ResNet-8 student, offline ResNet-20 teacher (its fine-tuned head),
# Fashion-MNIST-LT.
_base_ = ['../../_base_/distill/fashion_mnist_lt/resnet8_offline-ft.py']

model = dict(distill=dict(method='kd'))

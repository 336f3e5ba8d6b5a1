# Figure 1: distilling the balanced teacher into the 2-D ResNet-8 student on the
# three-class toy (2,000 / 100 / 5 images); both networks end in a 2-D feature.
_base_ = ['./fashion_mnist_lt.py']

three = dict(
    counts=[2000, 100, 5] + [0] * 7,
    label_map=[0, 1, 2] + [None] * 7,
    classes=['T-shirt/top', 'Trouser', 'Pullover'])  # as datasets/fashion_mnist_3cls
data_preprocessor = dict(num_classes=3)
train_dataloader = dict(dataset=dict(dataset=dict(**three)))
val_dataloader = dict(dataset=dict(**three))
test_dataloader = dict(dataset=dict(**three))
model = dict(
    student=dict(config='{{fileDirname}}/../../toy/'
                        'la_resnet8-2d_fashion-mnist-3cls.py'),
    teacher='{{fileDirname}}/../../toy/teacher_resnet8-2d_fashion-mnist-3cls-pool.py',
)
# WKD weighs a 5-image class's samples 140x (N / (C n_y)); on this 2-D network that
# drives the weights to inf within two epochs, so every toy student clips its gradient
# norm at 5 (the paper gives no toy recipe)
optim_wrapper = dict(clip_grad=dict(max_norm=5.0))

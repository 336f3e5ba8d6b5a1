# Figure 1: ACCKD on the three-class toy (2,000 / 100 / 5 images), distilling the
# balanced teacher into the 2-D ResNet-8 student; both networks end in a 2-D
# feature. The toy's other methods inherit this config and set distill.method.
_base_ = [
    '../_base_/datasets/fashion_mnist_3cls.py',
    '../_base_/distill/fashion_mnist_lt.py',
]

# each training image comes with a class-balanced partner (the mixed data of
# Algorithm 1)
train_dataloader = dict(
    dataset=dict(_delete_=True, type='ClassBalancedPairDataset',
                 dataset={{_base_.train_dataloader.dataset}}))

model = dict(
    student=dict(config='{{fileDirname}}/la_resnet8-2d_fashion-mnist-3cls.py'),
    teacher='{{fileDirname}}/teacher_resnet8-2d_fashion-mnist-3cls-pool.py',
)
# WKD weighs a 5-image class's samples 140x (N / (C n_y)); on this 2-D network that
# drives the weights to inf within two epochs, so every toy student clips its gradient
# norm at 5 (the paper gives no toy recipe)
optim_wrapper = dict(clip_grad=dict(max_norm=5.0))

# Fashion-MNIST-LT: the ResNet-8 student of the LA baseline (the same network, declared
# once in configs/baselines/) and the offline ResNet-20 teacher's NCM form.
_base_ = ['../fashion_mnist_lt.py']

model = dict(
    student=dict(config='{{fileDirname}}/../../../baselines/'
                        'la_resnet8_fashion-mnist-lt.py'),
    teacher='{{fileDirname}}/../../../teachers/'
            'ncm_offline-resnet20_fashion-mnist-lt.py',
    # trained by tools/train.py on the teacher config (make demo)
    teacher_ckpt='work_dirs/offline_resnet20_fashion-mnist-pool/epoch_6.pth',
)

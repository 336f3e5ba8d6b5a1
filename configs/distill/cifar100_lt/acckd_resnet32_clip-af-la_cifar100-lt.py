# ACCKD: ResNet-32 student, CLIP ViT-B/16 AdaptFormer + LA teacher, CIFAR-100-LT.
# The student is its LA baseline's network (declared once in configs/baselines/);
# the row's other methods inherit this config and set distill.method.
_base_ = ['../../_base_/distill/cifar100_lt.py']

model = dict(
    student=dict(config='{{fileDirname}}/../../baselines/'
                        'la_resnet32_cifar100-lt.py'),
    teacher='{{fileDirname}}/../../teachers/'
            'clip-vitb16_adaptformer_la_cifar100-lt.py',
)

# Table 5 on Fashion-MNIST-LT: ACCKD, ResNet-8 student, the offline tower's
# peft-lora + LA teacher.
_base_ = ['./acckd_resnet8_fmnist-vit-adaptformer-la_fashion-mnist-lt.py']

model = dict(
    teacher='{{fileDirname}}/../../../teachers/fmnist_vit/'
            'fmnist-vit_peft-lora_la_fashion-mnist-lt.py',
)

# Table 5 on Fashion-MNIST-LT: ACCKD, ResNet-8 student, the offline tower's LoRA + LA
# teacher built from MMPretrain's own VisionTransformer and LoRAModel.
_base_ = ['./acckd_resnet8_fmnist-vit-adaptformer-la_fashion-mnist-lt.py']

model = dict(
    teacher='{{fileDirname}}/../../../teachers/fmnist_vit/'
            'fmnist-vit_mmpretrain-lora_la_fashion-mnist-lt.py',
)

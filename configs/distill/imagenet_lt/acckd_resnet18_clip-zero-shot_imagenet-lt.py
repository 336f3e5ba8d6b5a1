# ACCKD: ResNet-18 student, CLIP ViT-B/16 zero-shot teacher, ImageNet-LT.
# The student is its LA baseline's network (declared once in configs/baselines/);
# the row's other methods inherit this config and set distill.method.
_base_ = [
    '../../_base_/datasets/imagenet_lt.py',
    '../../_base_/distill/imagenet_lt.py',
]

# each training image comes with a class-balanced partner (the mixed data of
# Algorithm 1)
train_dataloader = dict(
    dataset=dict(_delete_=True, type='ClassBalancedPairDataset',
                 dataset={{_base_.train_dataloader.dataset}}))

model = dict(
    student=dict(config='{{fileDirname}}/../../baselines/'
                        'la_resnet18_imagenet-lt.py'),
    teacher='{{fileDirname}}/../../teachers/'
            'clip-vitb16_zero-shot_imagenet-lt.py',
    # None: CLIP's pretrained tower; PrepareModelHook builds the head
    teacher_ckpt=None,
)

# The offline tower frozen, classified by the normalised class means of its
# class-token features over the long-tailed training split (NCM), as the paper's
# NCM teacher of CLIP ViT-B/16.
#   python tools/test.py configs/teachers/fmnist_vit/fmnist-vit_ncm_fashion-mnist-lt.py
_base_ = ['./fmnist-vit_adaptformer_la_fashion-mnist-lt.py']

model = dict(
    backbone=dict(peft=None),
    head=dict(
        _delete_=True, type='NCMClsHead', num_classes=10, in_channels=96, scale=25.0),
)

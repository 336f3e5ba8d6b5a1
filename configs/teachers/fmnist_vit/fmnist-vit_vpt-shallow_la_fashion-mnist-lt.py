# The offline AF+LA teacher with VPTShallow in place of AdaptFormer (Table 5).
_base_ = ['./fmnist-vit_adaptformer_la_fashion-mnist-lt.py']

model = dict(backbone=dict(peft=dict(_delete_=True, type='VPTShallow')))

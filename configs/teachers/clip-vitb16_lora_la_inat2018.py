# The AF+LA teacher with LoRA in place of AdaptFormer: a one-line change.
_base_ = ['./clip-vitb16_adaptformer_la_inat2018.py']

model = dict(backbone=dict(peft=dict(type='LoRA')))

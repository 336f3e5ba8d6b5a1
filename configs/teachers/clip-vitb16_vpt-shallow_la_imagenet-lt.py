# The AF+LA teacher with VPTShallow in place of AdaptFormer: a one-line change.
_base_ = ['./clip-vitb16_adaptformer_la_imagenet-lt.py']

model = dict(backbone=dict(peft=dict(type='VPTShallow')))

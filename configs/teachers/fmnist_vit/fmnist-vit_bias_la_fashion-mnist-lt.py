# The offline AF+LA teacher with another tuner in place of AdaptFormer (Table 5): BitFit
# (every bias of the blocks trains; LIFT's bias_tuning).
_base_ = ['./fmnist-vit_adaptformer_la_fashion-mnist-lt.py']

model = dict(backbone=dict(peft=dict(_delete_=True, type='BiasTuning')))

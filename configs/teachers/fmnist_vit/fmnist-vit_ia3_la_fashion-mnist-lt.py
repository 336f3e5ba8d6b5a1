# The offline AF+LA teacher with another tuner in place of AdaptFormer (Table 5): peft's
# IA3 (learned scales of the MLP's first projection and hidden activations of every
# block).
_base_ = ['./fmnist-vit_adaptformer_la_fashion-mnist-lt.py']

model = dict(backbone=dict(peft=dict(_delete_=True, type='PeftTuner', method='IA3')))

# The offline AF+LA teacher with another tuner in place of AdaptFormer (Table 5): peft's
# LoHa (Hadamard product of two low-rank updates, rank 8) on the MLP's two projections
# of every block.
_base_ = ['./fmnist-vit_adaptformer_la_fashion-mnist-lt.py']

model = dict(backbone=dict(peft=dict(_delete_=True, type='PeftTuner', method='LOHA')))

# The offline AF+LA teacher with another tuner in place of AdaptFormer (Table 5): peft's
# LoRA (its nn.MultiheadAttention form: the fused q/k/v and output projections of every
# block, rank 8, alpha 8: peft's defaults).
_base_ = ['./fmnist-vit_adaptformer_la_fashion-mnist-lt.py']

model = dict(backbone=dict(peft=dict(_delete_=True, type='PeftTuner', method='LORA')))

# The offline AF+LA teacher with another tuner in place of AdaptFormer (Table 5): peft's
# LoRA on the fused q/k/v weight of every block (target_parameters, rank 8, alpha 8:
# peft's defaults; peft cannot split q, k and v as LIFT's LoRA does).
_base_ = ['./fmnist-vit_adaptformer_la_fashion-mnist-lt.py']

model = dict(backbone=dict(peft=dict(_delete_=True, type='PeftTuner', method='LORA')))

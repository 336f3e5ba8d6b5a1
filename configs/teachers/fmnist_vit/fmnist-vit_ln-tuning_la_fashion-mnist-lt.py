# The offline AF+LA teacher with another tuner in place of AdaptFormer (Table 5): peft's
# LN tuning (trained copies of every block's two LayerNorms; LIFT's ln_tuning).
_base_ = ['./fmnist-vit_adaptformer_la_fashion-mnist-lt.py']

model = dict(
    backbone=dict(peft=dict(_delete_=True, type='PeftTuner', method='LN_TUNING')))

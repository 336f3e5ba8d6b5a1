# The offline AF+LA teacher with another tuner in place of AdaptFormer (Table 5): full
# fine-tuning of the last block (LIFT's full_tuning with partial=1).
_base_ = ['./fmnist-vit_adaptformer_la_fashion-mnist-lt.py']

model = dict(backbone=dict(peft=dict(_delete_=True, type='BlockTuning', num_blocks=1)))

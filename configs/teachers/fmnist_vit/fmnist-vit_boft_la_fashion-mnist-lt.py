# The offline AF+LA teacher with another tuner in place of AdaptFormer (Table 5): peft's
# BOFT (butterfly orthogonal fine-tuning, blocks of 4) on the MLP's two projections of
# every block.
_base_ = ['./fmnist-vit_adaptformer_la_fashion-mnist-lt.py']

model = dict(
    backbone=dict(peft=dict(_delete_=True, type='PeftTuner', method='BOFT',
                            config=dict(boft_block_size=4))))

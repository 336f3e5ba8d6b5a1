# The offline tower frozen whole, only its cosine head trained with the LA loss: the
# baseline of the PEFT teachers (how much the tuners add to the head).
_base_ = ['./fmnist-vit_adaptformer_la_fashion-mnist-lt.py']

model = dict(backbone=dict(peft=None))

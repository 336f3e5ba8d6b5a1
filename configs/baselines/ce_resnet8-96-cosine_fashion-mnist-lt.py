# The network of la_resnet8-96-cosine_fashion-mnist-lt.py with plain cross-entropy
# (the CE baseline).
_base_ = ['./la_resnet8-96-cosine_fashion-mnist-lt.py']

model = dict(
    head=dict(loss=dict(_delete_=True, type='CrossEntropyLoss', loss_weight=1.0)))

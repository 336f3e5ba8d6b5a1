# The LA baseline's network with balanced softmax (Ren et al. 2020) in place of LA:
# the softmax re-weighted by the training counts, log n_j added to every logit.
_base_ = ['./la_resnet8_fashion-mnist-lt.py']

model = dict(head=dict(loss=dict(_delete_=True, type='BalancedSoftmaxLoss')))

# The LA baseline's network with LADE (Hong et al. 2021) in place of LA (Table 6).
_base_ = ['./la_resnet8_fashion-mnist-lt.py']

model = dict(head=dict(loss=dict(_delete_=True, type='LADELoss')))

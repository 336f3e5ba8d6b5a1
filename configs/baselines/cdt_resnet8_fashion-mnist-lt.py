# The LA baseline's network with CDT (Ye et al. 2020) in place of LA (Table 6).
_base_ = ['./la_resnet8_fashion-mnist-lt.py']

model = dict(head=dict(loss=dict(_delete_=True, type='CDTLoss')))

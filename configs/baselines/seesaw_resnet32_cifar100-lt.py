# The LA baseline's network with MMPretrain's Seesaw loss (Wang et al. 2021) in place
# of LA, at its published p = 0.8, q = 2, CIFAR-100-LT.
_base_ = ['./la_resnet32_cifar100-lt.py']

model = dict(head=dict(loss=dict(_delete_=True, type='SeesawLoss', p=0.8, q=2.0,
                                 num_classes=100)))

# The LA baseline's network with MMPretrain's Seesaw loss (Wang et al. 2021) in place
# of LA, at its published p = 0.8, q = 2, ImageNet-LT.
_base_ = ['./la_resnet18_imagenet-lt.py']

model = dict(head=dict(loss=dict(_delete_=True, type='SeesawLoss', p=0.8, q=2.0,
                                 num_classes=1000)))

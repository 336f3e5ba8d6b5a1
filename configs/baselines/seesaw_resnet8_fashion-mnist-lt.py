# The LA baseline's network with MMPretrain's Seesaw loss (Wang et al. 2021) in
# place of LA, at its published p = 0.8, q = 2 (the loss counts the classes of the
# batches it sees, so it needs no class counts).
_base_ = ['./la_resnet8_fashion-mnist-lt.py']

model = dict(head=dict(loss=dict(_delete_=True, type='SeesawLoss', p=0.8, q=2.0,
                                 num_classes=10)))

# NCM teacher on CIFAR-10-LT's CPU profile: the frozen ImageNet EfficientNet-Lite0's
# pooled features, classified by their normalised class means over the long-tailed
# training split (so the rare classes' centres rest on 5 to 13 images).
#   python tools/test.py configs/teachers/cifar10_lt/effnet-lite0_ncm_cifar10-lt-n500.py
_base_ = ['./effnet-lite0_head-only_la_cifar10-lt-n500.py']

model = dict(head=dict(_delete_=True, type='NCMClsHead', num_classes=10,
                       in_channels=1280, scale=25.0))

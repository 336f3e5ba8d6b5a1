# NCM form of the offline Fashion-MNIST teacher: the pre-trained ResNet-20's
# features, classified by their normalised class means over the long-tailed
# training split (so rare-class centres rest on few images).
#   python tools/test.py configs/teachers/ncm_offline-resnet20_fashion-mnist-lt.py \
#       work_dirs/offline_resnet20_fashion-mnist-pool/epoch_6.pth
# builds the means on first use (work_dir/teacher_heads/ncm.pth) and evaluates.
_base_ = [
    '../_base_/models/fmnist_resnet20_teacher.py',
    '../_base_/datasets/fashion_mnist_lt.py',
    '../_base_/schedules/fmnist_lt_30e.py',  # nothing trains; the runner wants one
    '../_base_/default_runtime.py',
]

model = dict(head=dict(_delete_=True, type='NCMClsHead', num_classes=10, in_channels=64,
                       scale=25.0))
# shot groups of the long-tailed split, not of the pool the checkpoint was trained on
custom_hooks = [dict(type='ClassCountsHook', metric_source='eval')]

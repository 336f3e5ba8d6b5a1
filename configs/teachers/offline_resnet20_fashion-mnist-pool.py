# Offline teacher for Fashion-MNIST-LT (no CLIP weights can be downloaded here).
# As in the paper's Figure 1, the teacher learns from balanced data and the
# student distils on imbalanced data: ResNet-20 pre-trained on the balanced
# `pool` split (2,000 images per class, disjoint from the long-tailed `train`,
# `val` and `test` splits). Evaluated as it is, it is the fine-tuned teacher
# with its own head; `ncm_offline-resnet20_fashion-mnist-lt.py` is its NCM form.
_base_ = [
    '../_base_/models/fmnist_resnet20_teacher.py',
    '../_base_/datasets/fashion_mnist_lt.py',
    '../_base_/default_runtime.py',
]

train_dataloader = dict(
    batch_size=128,
    dataset=dict(split='pool', pool_per_class=2000),
)

optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=1,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=1, end=6, eta_min=0.0,
         convert_to_iter_based=True),
]
train_cfg = dict(by_epoch=True, max_epochs=6, val_interval=2)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=128)
default_hooks = dict(checkpoint=dict(interval=2))
# shot groups of the long-tailed student split (the pool itself is balanced)
custom_hooks = [dict(type='ClassCountsHook', metric_source='eval')]

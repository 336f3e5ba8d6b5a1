# Pre-training the offline CLIP-style tower (configs/_base_/models/fmnist_vit.py)
# from scratch on the balanced `pool` split of Fashion-MNIST (2,000 images per class,
# disjoint from the long-tailed `train`, `val` and `test` splits), with COARSE labels
# only: tops (T-shirt/top, pullover, coat, shirt), full-length garments (trouser,
# dress), footwear (sandal, sneaker, ankle boot) and bags. Like CLIP, the tower then
# knows the images well but was never taught the target's fine classes, so a
# nearest-class-mean head on its frozen features confuses shirts with T-shirts and
# sandals with sneakers, and tuning it (PEFT + LA) on the long-tailed fine classes
# can measurably beat NCM. Then export it as an open_clip checkpoint:
#   CFG=configs/teachers/fmnist_vit/fmnist-vit_pretrain_fashion-mnist-pool-coarse.py
#   python tools/train.py $CFG
#   python tools/export_open_clip.py $CFG \
#       work_dirs/fmnist-vit_pretrain_fashion-mnist-pool-coarse/epoch_20.pth \
#       work_dirs/fmnist_vit/fmnist_vit_open_clip.pt
_base_ = [
    '../../_base_/models/fmnist_vit.py',
    '../../_base_/datasets/fashion_mnist_lt.py',
    '../../_base_/default_runtime.py',
]

COARSE = [0, 1, 0, 1, 0, 2, 0, 2, 3, 2]  # Fashion-MNIST class -> coarse class
coarse = dict(label_map=COARSE, classes=['top', 'full-length', 'footwear', 'bag'])
model = dict(
    type='ImageClassifier',
    backbone=dict(type='CLIPVisionBackbone', model_name='fmnist-vit',
                  model_cfg={{_base_.fmnist_vit}}, pretrained=None, frozen=False,
                  out_type='cls_token'),
    head=dict(type='LinearClsHead', num_classes=4, in_channels=96,
              loss=dict(type='LabelSmoothLoss', label_smooth_val=0.1)),
)
# one grey channel normalised as the tower expects, broadcast to its three
data_preprocessor = dict(num_classes=4, mean=[72.94] * 3, std=[90.0] * 3, to_rgb=False)
train_dataloader = dict(batch_size=128,
                        dataset=dict(split='pool', pool_per_class=2000, **coarse))
val_dataloader = dict(dataset=dict(**coarse))  # the balanced val split, coarse labels
test_dataloader = dict(dataset=dict(**coarse))

optim_wrapper = dict(optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05),
                     paramwise_cfg=dict(norm_decay_mult=0.0, bias_decay_mult=0.0))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=True, begin=0, end=1,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=1, end=20, eta_min=1e-5,
         convert_to_iter_based=True),
]
train_cfg = dict(by_epoch=True, max_epochs=20, val_interval=5)
val_cfg = dict()
test_cfg = dict()
default_hooks = dict(checkpoint=dict(interval=5))
# coarse classes are balanced in `pool`; the shot groups of the metric are the
# long-tailed split's, on the coarse labels
custom_hooks = [dict(type='ClassCountsHook', metric_source='eval')]

# Pre-training the offline CLIP-style tower (configs/_base_/models/fmnist_vit.py)
# from scratch on the balanced `pool` split of Fashion-MNIST (all of it: 5,480 images
# per class, disjoint from the long-tailed `train`, `val` and `test` splits) without
# its fine labels: MMPretrain's
# SimCLR (two augmented views per image; each must find its partner among the
# batch's other views) plus cross-entropy on COARSE labels only: tops (T-shirt/top,
# pullover, coat, shirt), full-length garments (trouser, dress), footwear (sandal,
# sneaker, ankle boot) and bags (CoarseLabelSimCLR). Like CLIP, the tower then knows
# the images without ever being taught the target's classes: the contrastive term
# keeps what tells two tops apart, the coarse term gives the features their groups.
# A nearest-class-mean head on its frozen features still confuses shirts with
# T-shirts, so tuning it (PEFT + LA) on the long-tailed fine classes can beat NCM.
# Then export it as an open_clip checkpoint:
#   CFG=configs/teachers/fmnist_vit/fmnist-vit_pretrain-simclr-coarse_fashion-mnist-pool.py
#   python tools/train.py $CFG
#   python tools/model_converters/export_open_clip.py $CFG \
#       work_dirs/fmnist-vit_pretrain-simclr-coarse_fashion-mnist-pool/epoch_12.pth \
#       work_dirs/fmnist_vit/fmnist_vit_open_clip.pt
_base_ = [
    '../../_base_/models/fmnist_vit.py',
    '../../_base_/datasets/fashion_mnist_lt.py',
    '../../_base_/default_runtime.py',
]

COARSE = [0, 1, 0, 1, 0, 2, 0, 2, 3, 2]  # Fashion-MNIST class -> coarse class
coarse = dict(label_map=COARSE, classes=['top', 'full-length', 'footwear', 'bag'])
model = dict(
    type='CoarseLabelSimCLR',
    # one grey channel normalised as the tower expects, broadcast to its three
    data_preprocessor=dict(type='SelfSupDataPreprocessor', mean=[72.94] * 3,
                           std=[90.0] * 3, to_rgb=False),
    backbone=dict(type='CLIPVisionBackbone', model_name='fmnist-vit',
                  model_cfg={{_base_.fmnist_vit}}, pretrained=None, frozen=False,
                  out_type='cls_token'),
    neck=dict(type='NonLinearNeck', in_channels=96, hid_channels=256, out_channels=64,
              num_layers=2, with_avg_pool=False, norm_cfg=dict(type='BN1d')),
    head=dict(type='ContrastiveHead', loss=dict(type='CrossEntropyLoss'),
              temperature=0.2),
    coarse_head=dict(type='LinearClsHead', num_classes=4, in_channels=96,
                     loss=dict(type='LabelSmoothLoss', label_smooth_val=0.1)),
)
data_preprocessor = None
# SimCLR's views: random resized crops (35-100% of the image), flips, brightness
view = [
    dict(type='RandomResizedCrop', scale=28, crop_ratio_range=(0.35, 1.0)),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='Brightness', magnitude=0.4, prob=0.8, random_negative_prob=0.5),
]
train_dataloader = dict(
    batch_size=256,
    collate_fn=dict(type='default_collate'),  # each view stacked, as SimCLR takes it
    dataset=dict(split='pool',
                 pipeline=[dict(type='MultiView', num_views=2, transforms=[view]),
                           dict(type='PackInputs')], **coarse))
val_dataloader = None
val_cfg = None
val_evaluator = None
test_dataloader = None
test_cfg = None
test_evaluator = None

optim_wrapper = dict(optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05),
                     paramwise_cfg=dict(norm_decay_mult=0.0, bias_decay_mult=0.0))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=True, begin=0, end=1,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=1, end=12, eta_min=1e-5,
         convert_to_iter_based=True),
]
train_cfg = dict(by_epoch=True, max_epochs=12)
default_hooks = dict(checkpoint=dict(interval=12, max_keep_ckpts=1))
custom_hooks = []

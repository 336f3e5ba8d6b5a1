# The offline tower (fmnist-vit_pretrain-simclr-coarse_fashion-mnist-pool.py, exported
# as an open_clip checkpoint) tuned as the paper's AF+LA teacher on Fashion-MNIST-LT:
# AdaptFormer, cosine head (scale 25) initialised from the class means of the tower's
# features (LIFT's class_mean option: this tower's text half was never trained, so
# LIFT's text-feature initialisation has no meaning here), logit-adjusted loss, and
# the CLIP teachers' PEFT schedule (SGD momentum 0.9, weight decay 5e-4, cosine;
# LIFT's recipe) with the rate, epochs and width chosen on the `val` split
# (projects/fmnist_lt/README.md). Swap the tuner with one key:
#   model = dict(backbone=dict(peft=dict(type='LoRA', bottleneck=8)))
_base_ = [
    '../../_base_/models/fmnist_vit.py',
    '../../_base_/datasets/fashion_mnist_lt.py',
    '../../_base_/schedules/clip_peft_10e.py',
    '../../_base_/default_runtime.py',
]

model = dict(
    type='ImageClassifier',
    backbone=dict(type='CLIPVisionBackbone', model_name='fmnist-vit',
                  model_cfg={{_base_.fmnist_vit}}, out_type='cls_token', num_classes=10,
                  pretrained='work_dirs/fmnist_vit/fmnist_vit_open_clip.pt',
                  peft=dict(type='AdaptFormer', bottleneck=8)),
    head=dict(type='CosineClsHead', num_classes=10, in_channels=96, scale=25.0,
              init_from='class_mean', loss=dict(type='LogitAdjustLoss')),
)
# one grey channel normalised as the tower expects, broadcast to its three
data_preprocessor = dict(num_classes=10, mean=[72.94] * 3, std=[90.0] * 3, to_rgb=False)
train_dataloader = dict(batch_size=128)

# lr 0.03: AdaptFormer + LA's best last validation over 0.01, 0.03, 0.1, 0.3, 1.0
# on the offline tower (77.5, 80.5, 80.0, 80.0, 10.0; projects/fmnist_lt/vit_teachers/);
# run_vit_teachers.py picks it on val and trains every tuner at it
optim_wrapper = dict(optimizer=dict(lr=0.03))
param_scheduler = [
    dict(type='CosineAnnealingLR', by_epoch=True, begin=0, end=30, eta_min=0.0,
         convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=30, val_interval=5)
default_hooks = dict(checkpoint=dict(interval=30, max_keep_ckpts=1))

# AF+LA teacher (LIFT's recipe): CLIP ViT-B/16 tuned with AdaptFormer, cosine head
# (scale 25) initialised from the class names' text features, logit-adjusted loss;
# SGD lr 0.01, batch 128, cosine, 10 epochs (LIFT's configs/model/clip_vit_b16.yaml).
_base_ = [
    '../_base_/models/clip_vitb16_teacher.py',
    '../_base_/teachers/clip_imagenet_lt.py',
    '../_base_/schedules/clip_peft_10e.py',
    '../_base_/default_runtime.py',
]

model = dict(
    backbone=dict(num_classes=1000),  # for the default bottleneck width
    head=dict(num_classes=1000),
)

# Figure 7 (Appendix E): ACCKD with both images of a mixed pair drawn by
# class-balanced samplers (ACCKD itself: one random, one class-balanced).
_base_ = ['../../_base_/distill/imagenet_lt/resnet18_ncm.py']

train_dataloader = dict(dataset=dict(mix_sampling='balanced+balanced'))
model = dict(distill=dict(method='acckd'))

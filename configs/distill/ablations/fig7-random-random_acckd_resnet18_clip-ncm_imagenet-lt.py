# Figure 7 (Appendix E): ACCKD with both images of a mixed pair drawn by
# random samplers (ACCKD itself: one random, one class-balanced).
_base_ = ['../imagenet_lt/acckd_resnet18_clip-ncm_imagenet-lt.py']

train_dataloader = dict(dataset=dict(mix_sampling='random+random'))

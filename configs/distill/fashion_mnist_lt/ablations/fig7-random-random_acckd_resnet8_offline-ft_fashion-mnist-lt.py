# Figure 7 (Appendix E): ACCKD with both images of a mixed pair drawn by
# random samplers (ACCKD itself: one random, one class-balanced).
_base_ = ['../acckd_resnet8_offline-ft_fashion-mnist-lt.py']

train_dataloader = dict(dataset=dict(mix_sampling='random+random'))

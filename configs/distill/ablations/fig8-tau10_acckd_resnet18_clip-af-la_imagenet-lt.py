# Figure 8 (Appendix F): ACCKD at distillation temperature tau = 10 (the paper's
# choice, tau = 2, is the ACCKD config itself).
_base_ = ['../../_base_/distill/imagenet_lt/resnet18_af-la.py']

model = dict(distill=dict(method='acckd', tau=10.0))

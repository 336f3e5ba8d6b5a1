# Figure 8 (Appendix F): ACCKD at distillation temperature tau = 8 (the paper's
# choice, tau = 2, is the ACCKD config itself).
_base_ = ['../imagenet_lt/acckd_resnet18_clip-af-la_imagenet-lt.py']

model = dict(distill=dict(method='acckd', tau=8.0))

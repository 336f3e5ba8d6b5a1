# Figure 8 (Appendix F): ACCKD at distillation temperature tau = 10 (the paper's
# choice, tau = 2, is the ACCKD config itself).
_base_ = ['../acckd_resnet8_offline-ft_fashion-mnist-lt.py']

model = dict(distill=dict(method='acckd', tau=10.0))

# Figure 8 (Appendix F): ACCKD at distillation temperature tau = 1 (the paper's
# choice, tau = 2, is the ACCKD config itself).
_base_ = ['../../../_base_/distill/fashion_mnist_lt/resnet8_offline-ft.py']

model = dict(distill=dict(method='acckd', tau=1.0))

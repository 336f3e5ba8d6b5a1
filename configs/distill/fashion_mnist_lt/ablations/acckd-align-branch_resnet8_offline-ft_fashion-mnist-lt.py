# ACCKD with the align layer on a side branch that only feature imitation uses
# (the student's head reads its own, un-aligned feature), against the default
# reading of Section 3.4 (distill.align='encoder': the layer ends the student's
# encoder and its head reads the aligned feature).
_base_ = ['../../../_base_/distill/fashion_mnist_lt/resnet8_offline-ft.py']

model = dict(distill=dict(method='acckd', align='branch'))

# ACCKD with a square 64 -> 64 align layer on a side branch that only feature
# imitation uses (always_align; the student's head reads its own feature), against
# the default, which has no layer where the feature sizes are equal
# (docs/conventions.md, section 5).
_base_ = ['../acckd_resnet8_offline-ft_fashion-mnist-lt.py']

model = dict(distill=dict(method='acckd', align='branch', always_align=True))

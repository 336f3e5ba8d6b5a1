# ACCKD with a square 64 -> 64 align layer at the end of the student's encoder
# (always_align: the layer Section 3.4 adds only where the feature sizes differ,
# kept here although student and teacher features are both 64-d; the student's head
# reads its output). This project's default before the layer became size-dependent;
# against the default, which has no layer here (docs/conventions.md, section 5).
_base_ = ['../acckd_resnet8_offline-ft_fashion-mnist-lt.py']

model = dict(distill=dict(method='acckd', align='encoder', always_align=True))

# The class-conditional distiller, shared by every data set's distillation base:
# ACCKD by default (tau, a1 and a2 are the distiller's defaults,
# docs/conventions.md) and the teacher prior from the `val` split. The runtime's
# hooks hand it the class counts and trigger its preparation (teacher heads,
# priors) before training. Each table row's ACCKD config lists its data
# base beside its distillation base and wraps the training set in
# ClassBalancedPairDataset, so that every sample comes with a class-balanced
# partner for the mixed data (Algorithm 1).
model = dict(
    type='ClassConditionalDistiller',
    distill=dict(method='acckd'),
    priors=dict(teacher='val', train='teacher', test=None),
)

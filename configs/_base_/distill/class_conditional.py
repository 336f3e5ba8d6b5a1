# The class-conditional distiller and the hooks that feed it, shared by every data
# set's distillation base: ACCKD by default (tau, a1 and a2 are the distiller's
# defaults, docs/conventions.md), the teacher prior from the `val` split, and the
# class counts, teacher heads (zero-shot / NCM: build or load them) and priors
# found before training. The data bases wrap their training set in
# ClassBalancedPairDataset, so that every sample comes with a class-balanced
# partner for the mixed data (Algorithm 1).
_base_ = ['../default_runtime.py']

model = dict(
    type='ClassConditionalDistiller',
    distill=dict(method='acckd'),
    priors=dict(teacher='val', train='teacher', test=None),
)
custom_hooks = [
    dict(type='ClassCountsHook'),
    dict(type='TeacherHeadHook'),
    dict(type='TeacherPriorHook'),
]

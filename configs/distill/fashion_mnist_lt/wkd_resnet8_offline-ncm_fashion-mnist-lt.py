# WKD: ResNet-8 student, the offline teacher's NCM form (class means over the
# long-tailed training split, built by TeacherHeadHook), Fashion-MNIST-LT.
_base_ = ['../../_base_/distill/fmnist_offline-ft_teacher.py']

model = dict(
    teacher='configs/teachers/ncm_offline-resnet20_fashion-mnist-lt.py',
    distill=dict(method='wkd'),
)
custom_hooks = [
    dict(type='ClassCountsHook'),
    dict(type='TeacherHeadHook'),
    dict(type='TeacherPriorHook'),
]

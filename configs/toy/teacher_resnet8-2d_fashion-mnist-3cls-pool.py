# Figure 1's teacher: the same 2-D network trained with cross-entropy on balanced
# data, 700 images per class of `pool` (disjoint from the students' images).
#   python tools/train.py configs/toy/teacher_resnet8-2d_fashion-mnist-3cls-pool.py
_base_ = ['./la_resnet8-2d_fashion-mnist-3cls.py']

model = dict(head=dict(loss=dict(_delete_=True, type='CrossEntropyLoss')))
train_dataloader = dict(dataset=dict(split='pool', pool_per_class=700))
# the metric's shot groups are the long-tailed toy's
custom_hooks = [dict(type='ClassCountsHook', metric_source='eval')]

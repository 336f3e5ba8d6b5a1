# Runtime shared by every config of the plugin.
custom_imports = dict(imports=['cckd_plugin'], allow_failed_imports=False)
default_scope = 'mmpretrain'

default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', interval=10, max_keep_ckpts=2,
                    save_best='shot/all', rule='greater'),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='VisualizationHook', enable=False),
    # random states from (seed, epoch, rank): a resumed run repeats the original
    epoch_seed=dict(type='EpochSeedHook'),
    # a NaN or infinite loss term stops the run before the step is applied
    non_finite=dict(type='NonFiniteLossHook'),
)
# Class counts found once (training set or checkpoint) and handed to the
# long-tail losses, the shot-group metric and the checkpoints.
custom_hooks = [dict(type='ClassCountsHook')]

env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'),  # tools/*.py switch to gloo without CUDA
)
vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='UniversalVisualizer', vis_backends=vis_backends)
log_level = 'INFO'
load_from = None
resume = False
randomness = dict(seed=0, deterministic=False)

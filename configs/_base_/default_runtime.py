# Runtime shared by every config of the plugin: MMPretrain's own
# (mmpretrain::_base_/default_runtime.py, written out here so that no config is more
# than three levels deep), plus the plugin's import, its runner and hooks, and a
# fixed seed.
default_scope = 'mmpretrain'
custom_imports = dict(imports=['cckd_plugin'], allow_failed_imports=False)
# mmengine's Runner that keeps an earlier run's config dump in the work directory
runner_type = 'mmpretrain.KeepConfigRunner'

default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50),
    param_scheduler=dict(type='ParamSchedulerHook'),
    # checkpoints and last_checkpoint written atomically (crash-safe --resume)
    checkpoint=dict(type='AtomicCheckpointHook', interval=10, max_keep_ckpts=2,
                    save_best='shot/all', rule='greater'),
    # random states from (seed, epoch, rank): a resumed run repeats the original
    epoch_seed=dict(type='EpochSeedHook'),
    # a NaN or infinite loss term stops the run before the step is applied
    non_finite=dict(type='NonFiniteLossHook'),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='VisualizationHook', enable=False),
    # before the first epoch the model builds what it needs: zero-shot / NCM
    # class weights, a LIFT head's text initialisation, the distiller's priors
    prepare_model=dict(type='PrepareModelHook'),
    # model.teacher_cache (tools/cache_teacher.py) is checked against the run
    teacher_cache=dict(type='TeacherCacheHook'),
)
# Class counts found once (training set or checkpoint) and handed to the
# long-tail losses, the shot-group metric and the checkpoints.
custom_hooks = [dict(type='ClassCountsHook')]

env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'))  # the plugin's tools use gloo without CUDA
vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='UniversalVisualizer', vis_backends=vis_backends)
log_level = 'INFO'
load_from = None
resume = False
randomness = dict(seed=0, deterministic=False)

"""The CPU fallbacks of distributed runs leave the CUDA path as mmengine has it."""
from types import SimpleNamespace

import pytest
from helpers import free_port
from mmengine.config import Config

from cckd_plugin.engine import distributed
from cckd_plugin.engine.distributed import (close_distributed, dist_backend,
                                            init_distributed, prepare_distributed_cfg)


def launched_cfg(**kwargs):
    return Config(dict(launcher='pytorch', env_cfg=dict(dist_cfg=dict(backend='nccl')),
                       **kwargs))


def test_backend_by_device():
    assert dist_backend(cuda=True) == 'nccl'
    assert dist_backend(cuda=True, configured='gloo') == 'gloo'  # a user's choice stays
    assert dist_backend(cuda=False) == 'gloo'


def test_cuda_config_is_left_to_mmengine():
    cfg = launched_cfg()
    prepare_distributed_cfg(cfg, cuda=True)
    assert cfg.env_cfg.dist_cfg.backend == 'nccl'
    assert 'model_wrapper_cfg' not in cfg  # mmengine's DDP wrapper, one device per rank


def test_cpu_config_gets_gloo_and_no_device_ids():
    cfg = launched_cfg(model_wrapper_cfg=dict(type='MMDistributedDataParallel',
                                              find_unused_parameters=True))
    prepare_distributed_cfg(cfg, cuda=False)
    assert cfg.env_cfg.dist_cfg.backend == 'gloo'
    assert cfg.model_wrapper_cfg.device_ids is None
    assert cfg.model_wrapper_cfg.find_unused_parameters
    single = Config(dict(launcher='none', env_cfg=dict(dist_cfg=dict(backend='nccl'))))
    prepare_distributed_cfg(single, cuda=False)
    assert single.env_cfg.dist_cfg.backend == 'nccl'
    assert 'model_wrapper_cfg' not in single


@pytest.mark.parametrize('cuda,launcher,started', [
    (True, 'pytorch', False), (False, 'pytorch', True), (False, 'none', False),
    (False, 'slurm', False)])
def test_init_distributed_starts_gloo_only_without_cuda(monkeypatch, cuda, launcher,
                                                        started):
    calls = []
    fake = SimpleNamespace(is_available=lambda: True, is_initialized=lambda: False,
                           init_process_group=lambda **kw: calls.append(kw))
    monkeypatch.setattr(distributed.torch, 'distributed', fake)
    assert init_distributed(launcher, cuda) == started
    assert calls == ([dict(backend='gloo')] if started else [])


def test_close_distributed_destroys_a_running_group(monkeypatch):
    """A finished run leaves no process group behind: a gloo process exiting
    with one alive can abort (``terminate called without an active exception``)."""
    import torch.distributed as dist
    for key, value in dict(MASTER_ADDR='127.0.0.1', MASTER_PORT=str(free_port()),
                           RANK='0', WORLD_SIZE='1').items():
        monkeypatch.setenv(key, value)
    assert init_distributed('pytorch', cuda=False)
    assert dist.is_initialized() and dist.get_backend() == 'gloo'
    assert close_distributed()
    assert not dist.is_initialized()
    assert not close_distributed()  # nothing left to close

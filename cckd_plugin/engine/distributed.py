"""Distributed runs on GPUs (NCCL) and, without CUDA, on CPUs (gloo).

mmengine's PyTorch launcher assumes CUDA (it calls ``torch.cuda.set_device``).
The plugin's tools call :func:`init_distributed` before building the runner:
without CUDA it starts the process group with gloo (mmengine then sees it
started and leaves it); with CUDA it does nothing and mmengine's own NCCL path
runs unchanged. :func:`prepare_distributed_cfg` sets the matching backend and
DDP wrapper in the config. After a run that finished, :func:`close_distributed`
waits for every process and destroys the group (gloo aborts a process that exits
with the group still alive, mmengine never destroys it).
"""
import torch

GPU_BACKEND, CPU_BACKEND = 'nccl', 'gloo'


def dist_backend(cuda: bool, configured: str = GPU_BACKEND) -> str:
    """The process-group backend: the configured one with CUDA, gloo without."""
    return configured if cuda else CPU_BACKEND


def prepare_distributed_cfg(cfg, cuda: bool) -> None:
    """Without CUDA, a distributed config gets gloo and a CPU DDP wrapper
    (``device_ids=None``); with CUDA it is left to mmengine (NCCL, one device
    per process)."""
    if cfg.get('launcher', 'none') == 'none' or cuda:
        return
    env_cfg = cfg.setdefault('env_cfg', {})
    dist_cfg = env_cfg.setdefault('dist_cfg', {})
    dist_cfg['backend'] = dist_backend(cuda, dist_cfg.get('backend', GPU_BACKEND))
    wrapper = cfg.get('model_wrapper_cfg') or dict(
        type='MMDistributedDataParallel', broadcast_buffers=False,
        find_unused_parameters=cfg.get('find_unused_parameters', False))
    wrapper['device_ids'] = None
    cfg.model_wrapper_cfg = wrapper


def init_distributed(launcher: str, cuda: bool) -> bool:
    """Start a torchrun (``launcher='pytorch'``) process group on CPUs with gloo.

    Returns:
        whether it started one (``False`` with CUDA, another launcher, or a group
        already started).
    """
    if launcher != 'pytorch' or cuda or not torch.distributed.is_available() or \
            torch.distributed.is_initialized():
        return False
    torch.distributed.init_process_group(backend=CPU_BACKEND)
    return True


def close_distributed() -> bool:
    """Wait for every process, then destroy the process group, if one is running.

    Call it only after a run that finished on every process: a process whose run
    failed exits without it (its peers would wait forever at the barrier) and
    torchrun stops the others. Without it a gloo process can abort at exit
    (``terminate called without an active exception``): its worker threads are
    still alive while the interpreter shuts down.

    Returns:
        whether it destroyed a group.
    """
    if not torch.distributed.is_available() or not torch.distributed.is_initialized():
        return False
    torch.distributed.barrier()
    torch.distributed.destroy_process_group()
    return True

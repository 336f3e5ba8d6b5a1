from .hooks import *  # noqa: F401,F403
from .runner_setup import prepare_cfg

__all__ = ['ClassCountsHook', 'prepare_cfg']

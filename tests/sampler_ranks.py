"""Run by torchrun (tests/test_ddp.py): every rank builds ClassPowerSampler
through mmengine without a seed, so the ranks must agree on one
(``sync_random_seed``) although their global random states differ; each draws
three epochs. Rank 0 writes the seeds and every rank's indices to argv[1]."""
import json
import os.path as osp
import sys

import numpy as np
import torch.distributed as dist
from mmengine.registry import DefaultScope
from mmengine.runner import Runner

import cckd_plugin  # noqa: F401  (registers the sampler)

# the tests' helpers import the repository's tools package
sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
from helpers import LabelsOnly  # noqa: E402


def main(out: str) -> None:
    dist.init_process_group('gloo')
    rank = dist.get_rank()
    np.random.seed(100 + rank)  # the ranks' own random states differ
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        loader = Runner.build_dataloader(dict(
            dataset=LabelsOnly((100, 10, 1)), batch_size=4, num_workers=0,
            sampler=dict(type='ClassPowerSampler', power=0.0, progressive=True,
                         max_epochs=3)), seed=None)
    sampler = loader.sampler
    draws = {}
    for epoch in range(3):
        sampler.set_epoch(epoch)
        draws[epoch] = list(sampler)
    gathered = [None] * dist.get_world_size()
    dist.all_gather_object(gathered, dict(seed=sampler.seed, draws=draws,
                                          per_rank=len(sampler)))
    if rank == 0:
        with open(out, 'w') as f:
            json.dump(gathered, f)
    dist.destroy_process_group()


if __name__ == '__main__':
    main(sys.argv[1])

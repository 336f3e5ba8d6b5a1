"""One ordered pass over a dataset, split across processes without padding,
with the per-sample results gathered in dataset order on every process: the
class means and priors computed by N processes equal those of one."""
import copy

import torch
from mmengine.dist import all_gather_object, get_dist_info
from mmengine.runner import Runner


def ordered_loader(loader_cfg: dict):
    """The loader's dataset in order; process ``r`` of ``W`` gets samples
    ``r, r + W, r + 2W, ...`` and no padding repeats any sample."""
    cfg = copy.deepcopy(dict(loader_cfg))
    cfg['sampler'] = dict(type='DefaultSampler', shuffle=False, round_up=False)
    cfg.pop('batch_sampler', None)
    cfg['persistent_workers'] = False
    return Runner.build_dataloader(cfg)


def gather_ordered(rows: torch.Tensor) -> torch.Tensor:
    """``rows`` ``(n_r, ...)`` of this process's samples from an
    ``ordered_loader`` -> all ``(N, ...)`` rows in dataset order, on CPU, on
    every process."""
    rank, world = get_dist_info()
    rows = rows.cpu()
    if world == 1:
        return rows
    parts = all_gather_object(rows)
    out = rows.new_empty((sum(len(p) for p in parts), *rows.shape[1:]))
    for r, part in enumerate(parts):
        out[r::world] = part
    return out

"""One ordered pass over a dataset, split across processes without padding,
with the per-sample results gathered in dataset order on every process: the
class means and priors computed by N processes equal those of one."""
import copy

import torch
from mmengine.dist import all_gather_object, get_dist_info
from mmengine.runner import Runner

from ..datasets.named_pipeline_errors import name_pipeline_errors


def train_eval_loader_cfg(cfg) -> dict:
    """The training set seen through the evaluation pipeline, in order (for
    class means and priors); a ``ClassBalancedPairDataset`` wrapper is dropped,
    other wrappers (which choose the samples) are kept."""
    loader = copy.deepcopy(cfg.train_dataloader)
    while loader['dataset'].get('type') == 'ClassBalancedPairDataset':
        loader['dataset'] = loader['dataset']['dataset']
    inner = loader['dataset']
    while 'dataset' in inner and 'pipeline' not in inner:
        inner = inner['dataset']
    eval_loader = cfg.get('test_dataloader') or cfg.get('val_dataloader')
    inner['pipeline'] = copy.deepcopy(eval_loader['dataset']['pipeline'])
    loader['sampler'] = dict(type='DefaultSampler', shuffle=False)
    loader['batch_size'] = eval_loader.get('batch_size', loader.get('batch_size', 64))
    loader['persistent_workers'] = False
    loader.pop('batch_sampler', None)
    return loader


def ordered_loader(loader_cfg: dict):
    """The loader's dataset in order; process ``r`` of ``W`` gets samples
    ``r, r + W, r + 2W, ...`` and no padding repeats any sample."""
    cfg = copy.deepcopy(dict(loader_cfg))
    cfg['sampler'] = dict(type='DefaultSampler', shuffle=False, round_up=False)
    cfg.pop('batch_sampler', None)
    cfg['persistent_workers'] = False
    loader = Runner.build_dataloader(cfg)
    name_pipeline_errors(loader.dataset)
    return loader


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

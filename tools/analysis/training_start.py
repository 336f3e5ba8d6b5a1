"""The first steps of a training run: which loss term drives the student, and
whether the head's input and logits stay in range.

    python tools/analysis/training_start.py CONFIG [--iters 100] [--out start.json]

Builds the runner of ``CONFIG`` exactly as ``tools/train.py`` does (class
counts, teacher heads and priors included), then

1. at initialisation, on one training batch and a copy of the model, the
   gradient norm of every loss term (each as weighted in the objective) on
   the student's head input, on the linear layer in front of the head when
   the student has one (the align layer) and on the student's backbone;
2. trains ``--iters`` iterations of the real run and records, per iteration,
   the learning rate, every loss term, the mean L2 norm of the head input and
   the largest absolute logit of the real (not mixed) images.

Nothing is saved but the optional JSON (``--out``); the work directory is a
temporary one unless ``--work-dir`` is given. Works for distillation and
baseline configs alike (a baseline has the one term ``loss``).
"""
import argparse
import copy
import json
import math
import os.path as osp
import sys
import tempfile
from typing import Dict, List, Optional

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

import torch
import torch.nn as nn
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from cckd_plugin.engine import (build_runner, check_inputs, merge_options, prepare_cfg,
                                run_main)
from cckd_plugin.engine.tool_args import add_cfg_options

#: terms that train the classifier's output, against feature imitation's
FEATURE_TERMS = ('loss_fi', 'loss_fi_mix')


class _Done(Exception):
    """Raised by the probe after the last recorded iteration."""


def student_of(model: nn.Module) -> nn.Module:
    """The classifier being trained: a distiller's student, else the model."""
    return getattr(model, 'student', None) or model


def layer_before_head(model: nn.Module) -> Optional[nn.Linear]:
    """The linear layer whose output the head (or feature imitation) reads:
    the last ``nn.Linear`` of the student's neck, else a distiller's side
    branch, else ``None``."""
    neck = getattr(student_of(model), 'neck', None)
    linears = [m for m in neck.modules() if isinstance(m, nn.Linear)] \
        if neck is not None else []
    if linears:
        return linears[-1]
    return getattr(model, 'align', None)


class HeadProbe:
    """Forward hook on the student's head: its input (``feats[-1]``, with
    ``retain_grad`` when asked) and its output, of the latest call."""

    def __init__(self, head: nn.Module, retain_grad: bool = False):
        self.retain_grad = retain_grad
        self.inputs = self.logits = None
        self.handle = head.register_forward_hook(self)

    def __call__(self, module, args, output) -> None:
        feats = args[0]
        self.inputs = feats[-1] if isinstance(feats, (tuple, list)) else feats
        self.logits = output

    def remove(self) -> None:
        self.handle.remove()


def _norm(grads) -> float:
    grads = [g for g in grads if g is not None]
    if not grads:
        return 0.0
    return float(torch.sqrt(sum((g.float()**2).sum() for g in grads)))


def gradients_at_init(model: nn.Module, batch: dict) -> Dict[str, dict]:
    """Per loss term: its value and gradient norms on the head input, the
    layer before the head and the backbone, on a copy of ``model`` (the run
    itself is left untouched: no step, no running statistics)."""
    probe_model = copy.deepcopy(model).train()
    student = student_of(probe_model)
    probe = HeadProbe(student.head)
    data = probe_model.data_preprocessor(batch, True)
    losses = probe_model(**data, mode='loss')
    probe.remove()
    head_input = probe.inputs
    layer = layer_before_head(probe_model)
    layer_params = list(layer.parameters()) if layer is not None else []
    backbone = list(student.backbone.parameters())
    out = {}
    for name, value in losses.items():
        if not name.startswith('loss') or not value.requires_grad:
            continue
        wanted = [head_input] + layer_params + backbone
        grads = torch.autograd.grad(value, wanted, retain_graph=True, allow_unused=True)
        out[name] = dict(
            value=float(value.detach()),
            head_input=_norm(grads[:1]),
            align=_norm(grads[1:1 + len(layer_params)]) if layer_params else None,
            backbone=_norm(grads[1 + len(layer_params):]))
    return out


class StartProbeHook(Hook):
    """Records the first ``iters`` iterations of the run, then stops it."""

    priority = 'LOWEST'  # after the hooks that prepare the model (counts, priors)

    def __init__(self, iters: int):
        self.iters = iters
        self.init: Dict[str, dict] = {}
        self.steps: List[dict] = []
        self.probe: Optional[HeadProbe] = None

    @staticmethod
    def _model(runner) -> nn.Module:
        return runner.model.module if is_model_wrapper(runner.model) else runner.model

    def before_train(self, runner) -> None:
        model = self._model(runner)
        batch = next(iter(runner.train_dataloader))
        self.init = gradients_at_init(model, batch)
        self.probe = HeadProbe(student_of(model).head)

    def before_train_iter(self, runner, batch_idx, data_batch=None) -> None:
        lr = runner.optim_wrapper.get_lr()  # the rate this iteration's step takes
        self.lr = float(lr[next(iter(lr))][0] if isinstance(lr, dict) else lr[0])

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        real = len(data_batch['data_samples']) if data_batch else None
        feats, logits = self.probe.inputs, self.probe.logits
        step = dict(iter=runner.iter + 1, lr=self.lr,
                    head_input_norm=float(feats[:real].detach().norm(dim=-1).mean()),
                    max_logit=float(logits[:real].detach().abs().max()))
        step.update({k: float(v) for k, v in (outputs or {}).items()
                     if k.startswith('loss')})
        self.steps.append(step)
        if len(self.steps) >= self.iters:
            raise _Done()


def print_report(init: Dict[str, dict], steps: List[dict]) -> None:
    classification = [v for k, v in init.items()
                      if k not in FEATURE_TERMS and k != 'loss']
    print('\nGradient norms at initialisation (one training batch; each term as '
          'weighted in the objective):\n')
    print('| term | value | head input | align layer | backbone |')
    print('|---|---:|---:|---:|---:|')
    for name, g in init.items():
        align = '-' if g['align'] is None else f'{g["align"]:.3g}'
        print(f'| {name} | {g["value"]:.4f} | {g["head_input"]:.3g} | {align} | '
              f'{g["backbone"]:.3g} |')
    for where in ('head_input', 'align'):
        fi = [init[k][where] for k in FEATURE_TERMS
              if k in init and init[k][where] is not None]
        cls = [g[where] for g in classification if g[where] is not None]
        if fi and cls and max(cls) > 0:
            print(f'\nlargest feature-imitation / largest classification gradient on '
                  f'the {where.replace("_", " ")}: {max(fi) / max(cls):.2f}')
    terms = [k for k in steps[0] if k.startswith('loss')] if steps else []
    print('\nThe first iterations (real images of each batch):\n')
    print('| iter | lr | head input norm | max abs logit | ' + ' | '.join(terms) + ' |')
    print('|---:|---:|---:|---:|' + '---:|' * len(terms))
    shown = {s['iter'] for s in steps if s['iter'] <= 15 or s['iter'] % 10 == 0}
    shown.add(steps[-1]['iter'] if steps else 0)
    for s in steps:
        if s['iter'] in shown:
            cells = ' | '.join(f'{s[k]:.4f}' for k in terms)
            print(f'| {s["iter"]} | {s["lr"]:.4g} | {s["head_input_norm"]:.3f} | '
                  f'{s["max_logit"]:.3f} | {cells} |')
    if steps:
        first, peak = steps[0], max(steps, key=lambda s: s['head_input_norm'])
        print(f'\nhead input norm: {first["head_input_norm"]:.3f} at iteration 1, '
              f'peak {peak["head_input_norm"]:.3f} at iteration {peak["iter"]} '
              f'({peak["head_input_norm"] / first["head_input_norm"]:.2f}x); largest '
              f'abs logit {max(s["max_logit"] for s in steps):.2f}')


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('--iters', type=int, default=100,
                        help='training iterations to record (default 100)')
    parser.add_argument('--work-dir', help='default: a temporary directory')
    parser.add_argument('--out', help='write the measurements as JSON')
    add_cfg_options(parser)
    parser.add_argument('--debug', action='store_true',
                        help='show the traceback of an error instead of one line')
    return parser.parse_args()


def main(args) -> None:
    if args.iters < 1:
        raise ValueError(f'--iters must be at least 1, got {args.iters}')
    cfg = merge_options(Config.fromfile(args.config), args.cfg_options)
    with tempfile.TemporaryDirectory(prefix='training_start_') as tmp:
        cfg.work_dir = args.work_dir or tmp
        cfg.default_hooks['checkpoint'] = None  # nothing is saved
        cfg.train_cfg['val_interval'] = math.inf  # the priors still see `val`
        cfg = prepare_cfg(cfg)
        check_inputs(cfg, 'train')
        runner = build_runner(cfg)
        probe = StartProbeHook(args.iters)
        runner.register_hook(probe)
        try:
            runner.train()
        except _Done:
            pass
    print_report(probe.init, probe.steps)
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(dict(config=args.config, init=probe.init, steps=probe.steps), f,
                      indent=1)


if __name__ == '__main__':
    arguments = parse_args()
    run_main(lambda: main(arguments), arguments.debug)

"""Write the effective training recipe of every config to one Markdown table.

    python .dev_scripts/recipe_table.py            # writes docs/recipes.md
    python .dev_scripts/recipe_table.py --check    # exit 1: docs/recipes.md is stale

Every config under ``configs/`` (bases excluded) is loaded as ``tools/train.py``
loads it; its student and teacher are read from their own config files, and the
distillation settings go through the distiller's own resolution
(``resolve_distill``), so the table shows what a run trains with: data,
student, head, teacher, method, tau, a1, a2, the ACCKD terms, feature imitation
and the align layer, the mixing samplers, epochs, batch, optimiser, learning-rate
schedule, weight decay and the prior sources.
"""
import argparse
import glob
import os
import os.path as osp
import sys
from functools import lru_cache
from typing import Dict, List, Optional

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

from mmengine.config import Config

from cckd_plugin.models.distillers.distill_settings import TERMS, resolve_distill
from cckd_plugin.models.distillers.model_configs import (feature_dim, read_model_config,
                                                         student_config,
                                                         teacher_feature_dim)

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
OUT = osp.join(ROOT, 'docs', 'recipes.md')
COLUMNS = ('config', 'data', 'student', 'teacher', 'method', 'tau', 'a1', 'a2', 'terms',
           'FI / align', 'mix', 'epochs', 'batch', 'optimizer', 'schedule', 'priors')


def config_paths(root: str = ROOT) -> List[str]:
    """Every runnable config under ``configs/`` (``_base_`` folders excluded)."""
    return sorted(
        p for p in glob.glob(osp.join(root, 'configs', '**', '*.py'), recursive=True)
        if '_base_' not in p.split(os.sep))


@lru_cache(maxsize=None)
def _model(path: str) -> dict:
    return read_model_config(path, 'model')


def _network(model: dict) -> str:
    """``CifarResNet-8 / LinearClsHead`` etc.: backbone (depth, tuner) and head."""
    backbone = dict(model.get('backbone') or {})
    name = backbone.get('type', '?')
    if backbone.get('depth') is not None and not name.endswith(str(backbone['depth'])):
        name += f'-{backbone["depth"]}'
    if backbone.get('model_name'):
        name += f' {backbone["model_name"]}'
    if backbone.get('peft'):
        peft = backbone['peft']
        method = f'({peft["method"]})' if 'method' in peft else ''
        name += f' + {peft["type"]}{method}'
    neck = model.get('neck')
    for part in (neck if isinstance(neck, (list, tuple)) else [neck]):
        if part and part.get('type') == 'LinearNeck':
            name += f' + linear {part["in_channels"]}->{part["out_channels"]}'
            if part.get('norm_cfg'):
                name += f' + {part["norm_cfg"]["type"]}'
    head = dict(model.get('head') or {})
    text = f'{name} / {head.get("type", "?")}'
    if head.get('init_from'):
        text += f' (init {head["init_from"]})'
    loss = (head.get('loss') or {}).get('type')
    return text + (f', {loss}' if loss else '')


def _data(cfg: Config) -> str:
    dataset = cfg.train_dataloader.dataset
    while 'dataset' in dataset:
        dataset = dataset['dataset']
    text = dataset['type']
    if dataset.get('split', 'train') != 'train':
        text += f' ({dataset["split"]})'
    elif dataset.get('imbalance_ratio'):
        text += f' (ratio {dataset["imbalance_ratio"]:g})'
    return text


def _schedule(cfg: Config) -> str:
    parts = []
    for s in cfg.get('param_scheduler') or []:
        kind = s['type']
        span = f'ep {s.get("begin", 0)}-{s.get("end", "end")}'
        if kind == 'LinearLR':
            parts.append(f'linear x{s.get("start_factor", 1 / 3):g}->x'
                         f'{s.get("end_factor", 1.0):g} ({span})')
        elif kind == 'MultiStepLR':
            parts.append(f'x{s.get("gamma", 0.1):g} at {list(s["milestones"])}')
        elif kind == 'CosineAnnealingLR':
            parts.append(f'cosine to {s.get("eta_min", 0):g} ({span})')
        else:
            parts.append(kind)
    return ' + '.join(parts) or 'constant'


def _optimizer(cfg: Config) -> str:
    opt = cfg.optim_wrapper.optimizer
    text = f'{opt["type"]} lr {opt["lr"]:g}'
    if 'momentum' in opt:
        text += f', momentum {opt["momentum"]:g}'
    return text + f', wd {opt.get("weight_decay", 0):g}'


def _align(model: dict, settings) -> str:
    """Feature imitation and its align layer: ``yes / none (768 = 768)`` when
    the student's feature has the teacher's size, else where the layer sits."""
    if not settings.feature_imitation:
        return 'no'
    teacher = model['teacher']
    dims = (feature_dim(read_model_config(model['student'], 'model.student')),
            teacher_feature_dim(read_model_config(teacher, 'model.teacher')))
    if not settings.needs_align_layer(*dims):
        return f'yes / none ({dims[0]} = {dims[1]})'
    return f'yes / {settings.align} {dims[0]}->{dims[1]}'


def recipe(path: str, cfg: Optional[Config] = None) -> Dict[str, str]:
    """The effective settings of the config at ``path``, by column (``cfg``: that
    config already loaded, read-only)."""
    cfg = Config.fromfile(path) if cfg is None else cfg
    model = cfg.model.to_dict()
    row = dict.fromkeys(COLUMNS, '')
    row['config'] = osp.relpath(path, ROOT)
    row['data'] = _data(cfg)
    row['epochs'] = str(cfg.train_cfg.get('max_epochs', ''))
    row['batch'] = str(cfg.train_dataloader.batch_size)
    row['optimizer'] = _optimizer(cfg)
    row['schedule'] = _schedule(cfg)
    if model.get('type') != 'ClassConditionalDistiller':
        row['student'] = _network(model)
        row['method'] = 'supervised'
        return row
    row['student'] = _network(student_config(model))  # as the distiller builds it
    teacher = model['teacher']
    row['teacher'] = (osp.basename(teacher) if isinstance(teacher, str) else
                      _network(teacher))
    if isinstance(teacher, str):
        row['teacher'] += f' ({_network(_model(osp.normpath(teacher)))})'
    settings = resolve_distill(model['distill'])
    row.update(
        method=settings.method,
        tau=f'{settings.tau:g}',
        a1=f'{settings.alpha1:g}',
        a2=f'{settings.alpha2:g}')
    row['terms'] = ' '.join(t for t in TERMS if settings.terms[t])
    row['FI / align'] = _align(model, settings)
    pair = cfg.train_dataloader.dataset
    row['mix'] = (pair.get('mix_sampling', 'random+balanced') if settings.needs_mix
                  else '')
    priors = dict(model.get('priors') or {})
    row['priors'] = (f'teacher {priors.get("teacher", "val")}, train '
                     f'{priors.get("train", "teacher")}, test '
                     f'{"uniform" if priors.get("test") is None else "given"}')
    return row


def render(rows: List[Dict[str, str]]) -> str:
    lines = [
        '# Training recipes of every config', '',
        'Generated by `python .dev_scripts/recipe_table.py` from the configs '
        'themselves (do not edit; `tests/test_config_leaves.py` fails when it is '
        'stale). Each row is what `tools/train.py CONFIG` trains with. The paper\'s '
        'values (Appendix C) are held by `tests/test_config_leaves.py`; the '
        'conventions behind the columns are in `docs/conventions.md`.', '',
        'Columns: tau, a1, a2 = distillation temperature and the weights of the '
        'CCKD and feature-imitation terms; terms = the loss terms that train '
        '(`sup` = L_sup, `*_mix` on the mixed data); student = the network that '
        'trains (with any align layer the distiller adds); FI / align = feature '
        'imitation and where its align layer sits (none where the student\'s '
        'feature has the teacher\'s size); mix = the two samplers of a '
        'mixed pair; priors = where the teacher prior (Eq. 9), the training '
        'prior (Eq. 4) and the test prior come from.', ''
    ]
    folder = None
    for row in rows:
        here = osp.dirname(row['config'])
        if here != folder:
            folder = here
            lines += ['', f'## `{folder}/`', '',
                      '| ' + ' | '.join(COLUMNS) + ' |',
                      '|' + '---|' * len(COLUMNS)]
        cells = [f'`{osp.basename(row["config"])}`'] + [row[c] for c in COLUMNS[1:]]
        lines.append('| ' + ' | '.join(c.replace('|', '/') for c in cells) + ' |')
    return '\n'.join(lines) + '\n'


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--out', default=OUT)
    parser.add_argument('--check', action='store_true',
                        help='compare with --out instead of writing it')
    args = parser.parse_args()
    text = render([recipe(p) for p in config_paths()])
    if args.check:
        current = open(args.out).read() if osp.isfile(args.out) else ''
        if current != text:
            print(f'{args.out} is stale: run python .dev_scripts/recipe_table.py')
            return 1
        print(f'{args.out} is up to date')
        return 0
    with open(args.out, 'w') as f:
        f.write(text)
    print(f'wrote {args.out} ({text.count(chr(10))} lines)')
    return 0


if __name__ == '__main__':
    sys.exit(main())

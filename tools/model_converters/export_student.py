"""Export the student of a distillation checkpoint as a plain MMPretrain model.

    python tools/model_converters/export_student.py CONFIG CHECKPOINT OUT.pth

Writes ``OUT.pth`` (an ``ImageClassifier`` state dict: no teacher, no
side-branch align layer; with ``distill.align='encoder'`` the align layer is
part of the student's neck and stays; the class counts kept in its meta) and
``OUT.py`` (a config with the student, its normalisation and the evaluation
settings of CONFIG), which MMPretrain's test tool and inference API
(``mmpretrain.apis.init_model``) load. A one-channel student's evaluation
pipelines convert images to one channel, so MMPretrain's
``ImageClassificationInferencer`` classifies image files with it.
"""
import argparse
import copy
import io
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

import torch
from mmengine.config import Config
from mmpretrain.registry import MODELS

import cckd_plugin  # noqa: F401  (registers the components)
from cckd_plugin.compat import safe_torch_load
from cckd_plugin.engine import check_checkpoint_fits, run_main
from cckd_plugin.fileio import atomic_write_all
from cckd_plugin.models.distillers.model_configs import (read_model_config,
                                                         student_config)
from cckd_plugin.models.distillers.student_settings import student_normalisation

KEEP = ('custom_imports', 'default_scope', 'test_dataloader', 'test_evaluator',
        'test_cfg', 'val_dataloader', 'val_evaluator', 'val_cfg', 'default_hooks',
        'env_cfg', 'log_level', 'vis_backends', 'visualizer', 'randomness')


#: BGR -> one channel with the ITU-R 601 luma weights (OpenCV's BGR2GRAY); an
#: image that already has one channel passes unchanged
TO_GREY = dict(type='RandomGrayscale', prob=1.0, keep_channels=False,
               channel_weights=(0.114, 0.587, 0.299))


def grey_pipeline(pipeline: list) -> list:
    """``pipeline`` with every image made one-channel before it is packed."""
    pipeline = [
        t for t in copy.deepcopy(list(pipeline)) if t.get('type') != TO_GREY['type']
    ]
    at = next((i for i, t in enumerate(pipeline) if t.get('type') == 'PackInputs'),
              len(pipeline))
    return pipeline[:at] + [dict(TO_GREY)] + pipeline[at:]


def export(config: str, checkpoint: str, out: str) -> None:
    cfg = Config.fromfile(config)
    if cfg.model.get('type') != 'ClassConditionalDistiller':
        raise SystemExit(f'{config}: model.type is {cfg.model.get("type")}, not '
                         f'ClassConditionalDistiller')
    ckpt = safe_torch_load(checkpoint, map_location='cpu')
    state = {k[len('student.'):]: v for k, v in ckpt['state_dict'].items()
             if k.startswith('student.')}
    if not state:
        raise SystemExit(f'{checkpoint} holds no student weights')
    meta = ckpt.get('meta', {})
    plain = {k: copy.deepcopy(cfg[k]) for k in KEEP if k in cfg}
    model = student_config(cfg.model.to_dict())
    # strict: the checkpoint's student is the network CONFIG builds, weight for
    # weight (one line naming the keys and the config keys that differ if not)
    fits = torch.nn.Module()
    fits.student = MODELS.build(copy.deepcopy(model))
    check_checkpoint_fits(
        fits, {'state_dict': {f'student.{k}': v for k, v in state.items()},
               'meta': meta}, checkpoint, cfg)
    norm = student_normalisation(
        copy.deepcopy(cfg.get('data_preprocessor', {})).to_dict()
        if cfg.get('data_preprocessor') else {},
        read_model_config(cfg.model.student, 'model.student'), 'model.student')
    norm.pop('type', None)
    model['data_preprocessor'] = dict(type='ClsDataPreprocessor', **norm)
    plain['model'] = model
    plain['custom_hooks'] = [h for h in cfg.get('custom_hooks', [])
                             if h.get('type') == 'ClassCountsHook']
    channels = len(model['data_preprocessor'].get('mean') or [0, 0, 0])
    if channels == 1:  # image files load as 3-channel BGR (MMPretrain's inferencer too)
        for name in ('val_dataloader', 'test_dataloader'):
            if plain.get(name):
                plain[name]['dataset']['pipeline'] = grey_pipeline(
                    plain[name]['dataset']['pipeline'])
    plain = Config(plain)
    weights = io.BytesIO()
    torch.save({'state_dict': state,
                'meta': dict(class_counts=meta.get('class_counts'),
                             dataset_meta=meta.get('dataset_meta'),
                             cfg=plain.pretty_text,
                             exported_from=osp.abspath(checkpoint))}, weights)
    # both files appear together or neither changes (a crash, a full disk)
    atomic_write_all({out: weights.getvalue(),
                      osp.splitext(out)[0] + '.py': plain.pretty_text})
    print(f'student: {out} ({len(state)} tensors), config: {osp.splitext(out)[0]}.py')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='the distillation config')
    parser.add_argument('checkpoint', help='a checkpoint of that config')
    parser.add_argument('out', help='output .pth (a .py config is written beside it)')
    parser.add_argument('--debug', action='store_true',
                        help='show the traceback of an error instead of one line')
    args = parser.parse_args()
    run_main(lambda: export(args.config, args.checkpoint, args.out), args.debug)


if __name__ == '__main__':
    main()

"""The one sweep that builds every config leaf (``configs/`` and
``projects/*/configs/``, parametrised from file names, so collecting it reads no
config): each loads, registers the plugin and its hooks, and builds its model
with the class count its data has (CLIP towers shrunk, no teacher checkpoint
read). The paper's recipes over the same leaves: ``test_paper_recipes.py``."""
import copy
import glob
import os
import os.path as osp
from functools import lru_cache

import pytest
import torch
from helpers import ROOT, shrink_clip_teacher
from mmengine.config import Config
from mmpretrain.registry import MODELS

from cckd_plugin.models.distillers.model_configs import (feature_dim, read_model_config,
                                                         teacher_feature_dim)

pytestmark = pytest.mark.sweep

LEAVES = sorted(
    osp.relpath(p, ROOT)
    for p in glob.glob(osp.join(ROOT, 'configs', '**', '*.py'), recursive=True) +
    glob.glob(osp.join(ROOT, 'projects', '*', 'configs', '*.py'))
    # the README test writes its temporary configs (_readme_*.py) beside these
    if '_base_' not in p.split(osp.sep) and not osp.basename(p).startswith('_'))
LOSSES = {'ce': 'CrossEntropyLoss', 'la': 'LogitAdjustLoss', 'cdt': 'CDTLoss',
          'lade': 'LADELoss', 'teacher': 'CrossEntropyLoss', 'ldam-drw': 'LDAMLoss',
          'bs': 'BalancedSoftmaxLoss', 'seesaw': 'SeesawLoss',
          # CE on resampled data
          'repeat-factor': 'CrossEntropyLoss',
          'class-aware-sampling': 'CrossEntropyLoss',
          'progressive-sampling': 'CrossEntropyLoss',
          # stage 2 of CE (re-trained head, re-scaled head) and its test-time changes
          'crt': 'CrossEntropyLoss', 'lws': 'CrossEntropyLoss',
          'tau-norm': 'CrossEntropyLoss', 'posthoc-la': 'CrossEntropyLoss'}


def test_the_leaves_are_every_config_file():
    """The sweep's glob finds exactly the config files a walk of every
    ``configs`` folder finds outside ``_base_`` (a moved folder or a glob that
    stops recursing shows here)."""
    folders = [osp.join(ROOT, 'configs')] + glob.glob(osp.join(ROOT, 'projects', '*',
                                                               'configs'))
    files = sorted(
        osp.relpath(osp.join(where, name), ROOT)
        for folder in folders for where, _, names in os.walk(folder)
        for name in names if name.endswith('.py') and not name.startswith('_')
        and '_base_' not in osp.relpath(where, ROOT).split(osp.sep))
    assert len(files) > 300 and LEAVES == files


@lru_cache(maxsize=None)
def _shrunk_teacher(path: str) -> dict:
    return shrink_clip_teacher(Config.fromfile(path).model.to_dict())


def shrunk_teacher(cfg) -> dict:
    """``cfg``'s teacher model (read from its file once per sweep) with its CLIP
    tower made tiny; the real teacher checkpoints are trained, not shipped."""
    teacher = cfg.model.teacher
    if isinstance(teacher, str):
        return copy.deepcopy(_shrunk_teacher(teacher))
    return teacher.to_dict()


def check_distiller(cfg, path: str) -> None:
    name = osp.basename(path)
    teacher = shrunk_teacher(cfg)
    model = MODELS.build(dict(cfg.model.to_dict(), teacher=copy.deepcopy(teacher),
                              teacher_ckpt=None,
                              data_preprocessor=cfg.data_preprocessor))
    assert model.method == cfg.model.distill.get('method', 'acckd')
    fi = model.terms['fi'] or model.terms['fi_mix']
    neck = getattr(model.student, 'neck', None)
    encoder_align = isinstance(neck, torch.nn.Sequential) \
        and type(model.student.neck[-1]).__name__ == 'LinearNeck'
    # a layer only where the (here shrunk) teacher's feature size differs from the
    # student's; the real teachers' sizes: test_paper_recipes.py
    differ = fi and feature_dim(read_model_config(cfg.model.student, 's')) != \
        teacher_feature_dim(teacher)
    layer = differ or (fi and cfg.model.distill.get('always_align', False))
    if osp.sep + 'toy' + osp.sep in path:  # its network ends in its own 2-D layer
        assert model.align is None and not layer
    elif cfg.model.distill.get('align') == 'branch':
        assert not encoder_align and (model.align is not None) == layer
    else:
        assert encoder_align == layer and model.align is None
    if 'cifar100' in name or ('cifar10-lt' in name and not name.startswith('row')):
        assert not fi  # Appendix C: no feature imitation on CIFAR-100 (and CIFAR-10)
    elif model.method == 'acckd' and not name.startswith(('row', 'fig9')):
        assert fi and all(model.terms.values())
    assert model.student.head.num_classes == cfg.data_preprocessor['num_classes']
    assert cfg.train_dataloader.dataset.type == 'ClassBalancedPairDataset'
    if osp.sep + 'toy' + osp.sep in path:  # Figure 1: the 2-D network, three classes
        assert model.student.head.num_classes == model.teacher.head.num_classes == 3
        assert model.student.neck[-1].fc.out_features == 2  # the drawn feature plane
        assert model.method == name.split('_')[0]


def check_classifier(cfg, path: str) -> None:
    name = osp.basename(path)
    model_cfg = cfg.model.to_dict()
    if model_cfg.get('type') != 'ImageClassifier':  # the tower's pre-training
        MODELS.build(model_cfg)
        return
    if model_cfg['backbone']['type'] == 'TIMMBackbone':  # converted weights: not here
        model_cfg['backbone'].pop('checkpoint_path', None)
    model = MODELS.build(shrink_clip_teacher(model_cfg))
    assert model.head.num_classes == cfg.data_preprocessor['num_classes']
    if osp.sep + 'baselines' + osp.sep in path:
        assert cfg.model.head.loss['type'] == LOSSES[name.split('_')[0]]
    peft = (cfg.model.backbone.get('peft') or {}).get('type')
    if peft and osp.sep + 'teachers' + osp.sep in path and 'clip-vitb16' in name:
        expected = {'adaptformer': 'AdaptFormer', 'adapter': 'Adapter',
                    'vpt-shallow': 'VPTShallow', 'vpt-deep': 'VPTDeep', 'lora': 'LoRA'}
        assert peft == expected[name.split('_')[1]]
        assert cfg.model.head.loss.type == 'LogitAdjustLoss'
        assert cfg.optim_wrapper.optimizer.lr == 0.01
        assert cfg.train_cfg.max_epochs == (20 if 'inat2018' in path else 10)


@pytest.mark.parametrize('path', LEAVES)
def test_leaf_builds(path):
    cfg = Config.fromfile(osp.join(ROOT, path))
    assert 'cckd_plugin' in cfg.custom_imports['imports']
    assert cfg.default_hooks.prepare_model == dict(type='PrepareModelHook')
    if cfg.model.get('type') == 'ImageClassifier' or \
            cfg.model.get('type') == 'ClassConditionalDistiller':
        assert any(h['type'] == 'ClassCountsHook' for h in cfg.custom_hooks)
        assert cfg.val_evaluator['type'] == 'ShotGroupAccuracy'
    if cfg.model.get('type') == 'ClassConditionalDistiller':
        check_distiller(cfg, path)
    else:
        check_classifier(cfg, path)

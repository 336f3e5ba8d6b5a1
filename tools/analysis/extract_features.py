"""Features of a trained classifier, or of a distiller's student, on a split.

Shared by the feature analyses (``feature_analysis.py ncm`` / ``geometry`` and
``plot_feature_regions.py``): any of the plugin's configs with one of its
checkpoints. For a distillation config the student is built alone (as
``tools/model_converters/export_student.py`` exports it, the align layer
included when it ends the encoder) and the feature is its encoder's output,
the input of its head.
"""
import copy
import os.path as osp
import sys
from typing import Dict, Tuple

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

import numpy as np
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import Runner
from mmengine.runner.checkpoint import load_state_dict
from mmpretrain.registry import MODELS

import cckd_plugin  # noqa: F401
from cckd_plugin.compat import safe_torch_load
from cckd_plugin.datasets import get_class_counts
from cckd_plugin.engine.dataset_pass import train_eval_loader_cfg
from cckd_plugin.models.distillers.model_configs import student_config

SPLITS = ('train', 'val', 'test')


def load_classifier(config: str, checkpoint: str) -> Tuple[torch.nn.Module, Config]:
    """The classifier a config trains (a distiller's student) with the weights
    of ``checkpoint``, in eval mode."""
    init_default_scope('mmpretrain')
    cfg = Config.fromfile(config)
    model = cfg.model.to_dict()
    prefix = ''
    if model.get('type') == 'ClassConditionalDistiller':
        model, prefix = student_config(model), 'student.'
    model['data_preprocessor'] = dict(type='ClsDataPreprocessor',
                                      **copy.deepcopy(cfg.get('data_preprocessor', {})))
    classifier = MODELS.build(model)
    state = safe_torch_load(checkpoint, map_location='cpu')
    weights = {k[len(prefix):]: v for k, v in state['state_dict'].items()
               if k.startswith(prefix)}
    load_state_dict(classifier, weights, strict=True, logger='silent')
    classifier.class_counts = (state.get('meta') or {}).get('class_counts')
    return classifier.eval(), cfg


@torch.no_grad()
def split_features(classifier: torch.nn.Module, cfg: Config,
                   split: str) -> Tuple[np.ndarray, np.ndarray]:
    """Features ``(N, D)`` and labels ``(N,)`` of ``split`` (``train`` through the
    evaluation pipeline), in dataset order."""
    if split not in SPLITS:
        raise ValueError(f'split must be one of {SPLITS}, got {split!r}')
    loader_cfg = train_eval_loader_cfg(cfg) if split == 'train' else \
        copy.deepcopy(cfg.get(f'{split}_dataloader'))
    loader_cfg['persistent_workers'] = False
    loader = Runner.build_dataloader(loader_cfg)
    feats, labels = [], []
    for batch in loader:
        data = classifier.data_preprocessor(batch, False)
        feats.append(classifier.extract_feat(data['inputs'])[-1].float().cpu())
        labels.append(torch.cat([s.gt_label for s in data['data_samples']]))
    return torch.cat(feats).numpy(), torch.cat(labels).numpy()


def features_of(config: str, checkpoint: str,
                splits=SPLITS) -> Dict[str, Tuple[np.ndarray, np.ndarray]]:
    """``{split: (features, labels)}`` plus ``'counts'``: the training class counts
    (the checkpoint's, else the training set's)."""
    classifier, cfg = load_classifier(config, checkpoint)
    out = {split: split_features(classifier, cfg, split) for split in splits}
    counts = classifier.class_counts
    if counts is None:
        counts = get_class_counts(Runner.build_dataloader(
            train_eval_loader_cfg(cfg)).dataset)
    out['counts'] = np.asarray(counts)
    return out

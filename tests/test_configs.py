"""Every student config parses, registers the plugin and builds its model
(teacher configs: test_teacher_configs.py; distillation configs, the toy's
included: test_distiller.py)."""
import glob
import os

import pytest
from mmengine.config import Config
from mmpretrain.registry import MODELS

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIGS = sorted(p for p in glob.glob(os.path.join(ROOT, 'configs', '**', '*.py'),
                                      recursive=True)
                 if '_base_' not in p and os.sep + 'teachers' + os.sep not in p
                 and os.sep + 'distill' + os.sep not in p
                 and not os.path.basename(p).startswith(('acckd_', 'cckd_', 'kd_',
                                                         'wkd_')))


def test_there_are_configs():
    assert len(CONFIGS) >= 16


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: os.path.relpath(p, ROOT))
def test_config_builds_model(path):
    cfg = Config.fromfile(path)
    assert 'cckd_plugin' in cfg.custom_imports['imports']
    assert any(h['type'] == 'ClassCountsHook' for h in cfg.custom_hooks)
    assert cfg.val_evaluator['type'] == 'ShotGroupAccuracy'
    model = MODELS.build(cfg.model)
    assert model.head.num_classes == cfg.data_preprocessor['num_classes']
    loss = cfg.model.head.loss['type']
    prefix = os.path.basename(path).split('_')[0]
    assert loss == dict(ce='CrossEntropyLoss', la='LogitAdjustLoss', cdt='CDTLoss',
                        lade='LADELoss', teacher='CrossEntropyLoss')[prefix]

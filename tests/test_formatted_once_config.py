"""The runner's config formats its text once per content: the same string as
mmengine's, yapf called once however many checkpoints are saved, and a changed
config formatted again."""
import os.path as osp
import uuid

import mmengine.config.config as mmengine_config
from helpers import ROOT
from mmengine.config import Config

from cckd_plugin.engine import build_runner, prepare_cfg
from cckd_plugin.engine.formatted_once_config import FormattedOnceConfig

ACCKD = 'configs/distill/fashion_mnist_lt/acckd_resnet8_offline-ft_fashion-mnist-lt.py'
LA = 'configs/baselines/la_resnet8_fashion-mnist-lt.py'  # builds without a teacher


def counting_yapf(monkeypatch) -> list:
    calls = []
    format_code = mmengine_config.FormatCode

    def counted(*args, **kwargs):
        calls.append(1)
        return format_code(*args, **kwargs)

    monkeypatch.setattr(mmengine_config, 'FormatCode', counted)
    return calls


def test_the_text_is_mmengines_and_formatted_once_per_content(monkeypatch):
    cfg = Config.fromfile(osp.join(ROOT, ACCKD))
    cfg.run_tag = uuid.uuid4().hex  # content no earlier test formatted
    expected, expected_dump = cfg.pretty_text, cfg.dump()
    calls = counting_yapf(monkeypatch)
    once = FormattedOnceConfig.of(cfg)
    assert [once.pretty_text for _ in range(5)] == [expected] * 5
    assert once.dump() == expected_dump
    assert len(calls) == 1
    once.train_cfg.max_epochs = 7  # changed: formatted again, with the change
    assert 'max_epochs=7' in once.pretty_text and len(calls) == 2
    assert once.filename == cfg.filename and once.train_cfg.max_epochs == 7
    assert cfg.train_cfg.max_epochs != 7  # the original is not the copy


def test_the_plugins_runner_runs_on_one(tmp_path):
    cfg = prepare_cfg(Config.fromfile(osp.join(ROOT, LA)))
    cfg.work_dir = str(tmp_path)
    runner = build_runner(cfg)
    assert isinstance(runner.cfg, FormattedOnceConfig)
    assert runner.cfg.pretty_text == Config(runner.cfg.to_dict()).pretty_text

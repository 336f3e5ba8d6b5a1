"""tools/analysis/plot_shot_groups.py: the group confusion and the reliability
bins by hand, post-hoc adjustment as the metric does it, one-line refusals."""
import json
import os.path as osp

import mmengine
import numpy as np
import pytest
import torch
from helpers import load_script, run_script

from cckd_plugin.evaluation.shot_group_accuracy import expected_calibration_error

tool = load_script('tools/analysis/plot_shot_groups.py')
COUNTS = [5, 200, 50]  # few, many, medium: the plot orders them many first
# (true class, predicted class, confidence of the prediction)
SAMPLES = [(0, 0, 0.9), (0, 1, 0.8), (0, 1, 0.55), (1, 1, 0.95), (1, 1, 0.65),
           (1, 2, 0.5), (2, 2, 0.7), (2, 1, 0.6)]


def scores_of(pred, conf):
    """A 3-class score vector whose arg-max is ``pred`` with ``conf``."""
    s = np.full(3, (1 - conf) / 2)
    s[pred] = conf
    return torch.tensor(s)


def write_inputs(tmp_path):
    preds = [dict(pred_score=scores_of(p, c), gt_label=torch.tensor([y]),
                  pred_label=torch.tensor([p])) for y, p, c in SAMPLES]
    mmengine.dump(preds, str(tmp_path / 'preds.pkl'))
    per_class = dict(class_counts=COUNTS, classes=['rare', 'big', 'mid'],
                     thresholds=dict(many_thr=100, few_thr=20))
    (tmp_path / 'per_class.json').write_text(json.dumps(per_class))
    return str(tmp_path / 'preds.pkl'), str(tmp_path / 'per_class.json')


def test_numbers_by_hand(tmp_path):
    preds, per_class = write_inputs(tmp_path)
    out = tmp_path / 'plots'
    tool.main([preds, per_class, '--out-dir', str(out), '--bins', '5'])
    result = json.loads((out / 'shot_groups.json').read_text())
    assert result['classes'] == ['big', 'mid', 'rare']
    assert result['groups'] == ['many', 'medium', 'few']
    assert result['group_names'] == ['many', 'medium', 'few']
    # many (class 1): 2 of 3 stay many, 1 goes to medium; medium (2): 1 to many,
    # 1 stays; few (0): 1 stays, 2 to many
    expected = [[2 / 3, 1 / 3, 0], [1 / 2, 1 / 2, 0], [2 / 3, 0, 1 / 3]]
    np.testing.assert_allclose(result['group_confusion'], expected)
    assert result['confusion'][2] == pytest.approx([2 / 3, 0, 1 / 3])  # rare, row
    few = result['reliability']['few']  # 0.9 right, 0.8 and 0.55 wrong
    assert few['count'] == [0, 0, 1, 1, 1]
    assert few['accuracy'][2:] == [0.0, 0.0, 1.0]
    conf = np.array([c for _, _, c in SAMPLES])
    right = np.array([float(y == p) for y, p, _ in SAMPLES])
    assert result['reliability']['all']['ece'] == pytest.approx(
        expected_calibration_error(conf, right, 5))
    assert few['ece'] == pytest.approx(100 * (0.1 + 0.8 + 0.55) / 3)  # a bin each
    for name in ('confusion.png', 'reliability.png'):
        assert (out / name).stat().st_size > 10_000


def test_post_hoc_adjustment_as_the_metric(tmp_path):
    """tau = 1 divides each score by the training prior: the 0.55-confident
    'big' guess on a 'rare' image becomes 'rare' (0.225 / 5 > 0.55 / 200)."""
    preds, per_class = write_inputs(tmp_path)
    tool.main([preds, per_class, '--out-dir', str(tmp_path / 'la'),
               '--logit-adjust-tau', '1'])
    result = json.loads((tmp_path / 'la' / 'shot_groups.json').read_text())
    rare = result['confusion'][2]
    assert rare[2] == pytest.approx(1.0)  # every rare image now predicted rare


@pytest.mark.parametrize('break_it, message', [
    ('counts', 'the predictions have 3 classes and labels up to 2 but '
               'per_class.json counts 2 classes'),
    ('dump', 'preds.pkl: not a prediction dump of tools/test.py'),
])
def test_bad_input_is_one_line(tmp_path, break_it, message):
    preds, per_class = write_inputs(tmp_path)
    if break_it == 'counts':
        (tmp_path / 'per_class.json').write_text(json.dumps(dict(class_counts=[5, 6])))
    else:
        mmengine.dump({'accuracy/top1': 50.0}, preds)
    done = run_script('tools/analysis/plot_shot_groups.py', preds, per_class,
                      '--out-dir', str(tmp_path / 'x'))
    assert done.returncode == 1
    lines = [line for line in done.stderr.splitlines() if 'Warning' not in line
             and 'warnings.warn' not in line]
    assert len(lines) == 1 and message in lines[0], done.stderr
    assert not osp.exists(tmp_path / 'x' / 'shot_groups.json')

import json

import numpy as np
import pytest
from mmpretrain.registry import METRICS
from mmpretrain.structures import DataSample


def evaluate(metric, preds, gts, classes=None):
    metric.dataset_meta = dict(classes=classes or [str(i) for i in range(6)])
    samples = [DataSample().set_pred_label(p).set_gt_label(g).to_dict()
               for p, g in zip(preds, gts)]
    metric.process(None, samples)
    return metric.evaluate(len(samples))


# classes 0,1 many (>100), 2,3 medium (20..100), 4,5 few (<20)
COUNTS = [500, 101, 100, 20, 19, 5]


def test_groups_on_hand_made_predictions():
    gts = [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    preds = [0, 0, 1, 0, 2, 0, 0, 0, 4, 4, 0, 5]
    # per class: 100, 50, 50, 0, 100, 50
    metric = METRICS.build(dict(type='ShotGroupAccuracy', class_counts=COUNTS))
    res = evaluate(metric, preds, gts)
    assert res['shot/many'] == pytest.approx(75.0)
    assert res['shot/medium'] == pytest.approx(25.0)
    assert res['shot/few'] == pytest.approx(75.0)
    assert res['shot/all'] == pytest.approx(100 * 7 / 12)
    assert list(res) == ['shot/many', 'shot/medium', 'shot/few', 'shot/all']


def test_thresholds_are_configurable_and_empty_group_is_nan():
    metric = METRICS.build(dict(type='ShotGroupAccuracy', class_counts=COUNTS,
                                many_thr=1000, few_thr=20))
    res = evaluate(metric, [0, 1, 2, 3, 4, 5], [0, 1, 2, 3, 4, 4])
    assert np.isnan(res['shot/many'])
    assert res['shot/medium'] == pytest.approx(100.0)
    # class 4: one of its two samples right (50 %); class 5 has no test sample
    # and is left out of the few-shot mean
    assert res['shot/few'] == pytest.approx(50.0)


def test_per_class_json(tmp_path):
    out = tmp_path / 'sub' / 'per_class.json'
    metric = METRICS.build(dict(type='ShotGroupAccuracy', class_counts=COUNTS,
                                per_class_file=str(out)))
    evaluate(metric, [0, 1, 1, 3, 4, 0], [0, 1, 2, 3, 4, 5],
             classes=list('abcdef'))
    record = json.loads(out.read_text())
    assert record['accuracy'] == [100.0, 100.0, 0.0, 100.0, 100.0, 0.0]
    assert record['groups'] == ['many', 'many', 'medium', 'medium', 'few', 'few']
    assert record['classes'] == list('abcdef')
    assert record['class_counts'] == COUNTS
    assert record['summary']['all'] == pytest.approx(100 * 4 / 6)


def test_without_counts_reports_all_only():
    metric = METRICS.build(dict(type='ShotGroupAccuracy'))
    res = evaluate(metric, [0, 1, 2], [0, 1, 1])
    assert res == {'shot/all': pytest.approx(100 * 2 / 3)}


def test_counts_shorter_than_labels_is_an_error():
    metric = METRICS.build(dict(type='ShotGroupAccuracy', class_counts=[3, 2]))
    with pytest.raises(
            ValueError, match='class_counts has 2 entries but labels reach 4'):
        evaluate(metric, [0, 4], [0, 1])

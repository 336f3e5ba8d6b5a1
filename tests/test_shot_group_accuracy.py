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


def test_expected_calibration_error_by_hand():
    """Two bins: confidences 0.3, 0.4 (bin 1: accuracy 1/2, confidence 0.35) and
    0.8, 0.9 (bin 2: accuracy 1, confidence 0.85): ECE = 0.5 * 0.15 + 0.5 * 0.15."""
    import torch
    metric = METRICS.build(dict(type='ShotGroupAccuracy', class_counts=COUNTS,
                                ece_bins=2))
    metric.dataset_meta = dict(classes=[str(i) for i in range(6)])
    rows = [(0, 0, 0.3), (1, 0, 0.4), (4, 4, 0.8), (5, 5, 0.9)]  # (gt, pred, conf)
    samples = []
    for gt, pred, conf in rows:
        score = torch.full((6, ), (1 - conf) / 5)
        score[pred] = conf
        samples.append(DataSample().set_pred_label(pred).set_pred_score(score)
                       .set_gt_label(gt).to_dict())
    metric.process(None, samples)
    res = metric.evaluate(len(samples))
    assert res['shot/ece'] == pytest.approx(15.0)
    # many: classes 0, 1 -> bin 1 alone: |0.5 - 0.35|; few: classes 4, 5 -> |1 - 0.85|
    assert res['shot/ece_many'] == pytest.approx(15.0)
    assert res['shot/ece_few'] == pytest.approx(15.0)
    assert np.isnan(res['shot/ece_medium'])
    from cckd_plugin.evaluation.shot_group_accuracy import expected_calibration_error
    assert expected_calibration_error(np.array([0.95, 0.95]), np.array([0.0, 0.0]),
                                      15) == pytest.approx(95.0)


def test_post_hoc_logit_adjustment_reranks_by_the_prior():
    """Scores (0.6, 0.399, 0.00025 x 4), counts 500 / 101 / ...: log 0.6 -
    log(500 / N) = -0.11 < log 0.399 - log(101 / N) = 1.08 (N = 745; the others
    below -3), so tau = 1 predicts class 1; tau = 0 keeps class 0."""
    import torch
    score = torch.tensor([0.6, 0.399, 0.00025, 0.00025, 0.00025, 0.00025])
    sample = DataSample().set_pred_label(0).set_pred_score(score).set_gt_label(1)
    results = {}
    for tau in (0.0, 1.0):
        metric = METRICS.build(dict(type='ShotGroupAccuracy', class_counts=COUNTS,
                                    logit_adjust_tau=tau))
        metric.dataset_meta = dict(classes=[str(i) for i in range(6)])
        metric.process(None, [sample.to_dict()])
        results[tau] = metric.evaluate(1)['shot/all']
    assert results == {0.0: 0.0, 1.0: 100.0}
    metric = METRICS.build(dict(type='ShotGroupAccuracy', logit_adjust_tau=1.0))
    with pytest.raises(ValueError, match='logit_adjust_tau needs the class counts'):
        metric.process(None, [sample.to_dict()])

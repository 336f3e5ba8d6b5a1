"""The teacher's accuracy on the validation split, against chance and against
what its checkpoint recorded, on hand-made posteriors."""
import logging

import pytest
import torch
from mmengine.config import Config
from mmengine.logging import MMLogger

from cckd_plugin.models.distillers.teacher_accuracy_check import (
    check_teacher_accuracy, recorded_val_accuracy)


def one_hot(predictions, classes):
    return torch.nn.functional.one_hot(torch.tensor(predictions), classes).float()


def test_a_teacher_in_another_class_order_is_refused():
    labels = torch.tensor([0, 0, 1, 1, 2, 2, 3, 3])
    right = one_hot([0, 0, 1, 1, 2, 2, 3, 3], 4)
    assert check_teacher_accuracy(right, labels, None) == 100.0
    # the same predictions under the class order 1, 2, 3, 0: all wrong
    shifted = right[:, [3, 0, 1, 2]]
    with pytest.raises(ValueError, match=r"^model.teacher scores 0.00% on the "
                       r"validation split, at or below chance \(25.00%, always "
                       r"guessing the largest class\): is its class order the data's\? "
                       r"\(set model.weak_teacher='warn' to distil from it anyway\)$"):
        check_teacher_accuracy(shifted, labels, None)


def test_chance_is_the_largest_class_share():
    labels = torch.tensor([0, 0, 0, 1])  # always guessing 0: 75 %
    at_chance = one_hot([0, 0, 0, 0], 2)
    with pytest.raises(ValueError, match=r'scores 75.00% .* at or below chance '
                       r'\(75.00%'):
        check_teacher_accuracy(at_chance, labels, None)
    assert check_teacher_accuracy(one_hot([0, 0, 0, 1], 2), labels, None) == 100.0


def test_far_below_the_recorded_accuracy_is_refused():
    labels = torch.arange(10).repeat(2)  # chance 10 %
    # 8 of 20 right: 40 %, above chance; recorded 82 %: 41 % is half of it
    preds = labels.clone()
    preds[8:] = (labels[8:] + 1) % 10
    probs = one_hot(preds.tolist(), 10)
    with pytest.raises(ValueError, match=r'scores 40.00% .* under half of the 82.00% '
                       r'its checkpoint recorded'):
        check_teacher_accuracy(probs, labels, 82.0)
    assert check_teacher_accuracy(probs, labels, 80.0) == 40.0  # 40 is half of 80


def test_warn_lets_a_deliberate_weak_teacher_through():
    labels = torch.tensor([0, 1])
    records = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = records.append
    logger = MMLogger.get_instance('weak_teacher_test')  # the current instance
    logger.addHandler(handler)
    accuracy = check_teacher_accuracy(one_hot([1, 0], 2), labels, None, 'warn')
    assert accuracy == 0.0
    assert ['at or below chance' in r.getMessage() for r in records] == [True]


def checkpoint(save_best, best_score):
    cfg = Config(dict(default_hooks=dict(
        checkpoint=dict(type='CheckpointHook', save_best=save_best))))
    return dict(meta=dict(cfg=cfg.pretty_text),
                message_hub=dict(runtime_info=dict(best_score=best_score)))


def test_the_recorded_accuracy_comes_from_save_best_of_a_top1():
    assert recorded_val_accuracy(checkpoint('shot/all', 70.6)) == 70.6
    assert recorded_val_accuracy(checkpoint('accuracy/top1', 81.0)) == 81.0
    assert recorded_val_accuracy(checkpoint('loss', 0.3)) is None  # not a top-1
    assert recorded_val_accuracy(checkpoint('shot/all', 170.0)) is None
    assert recorded_val_accuracy({'state_dict': {}}) is None
    assert recorded_val_accuracy(None) is None

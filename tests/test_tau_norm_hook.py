"""TauNormHook: class weights divided by their norm ** tau for testing only."""
from types import SimpleNamespace

import pytest
import torch
from mmengine.logging import MMLogger
from mmpretrain.registry import MODELS

from cckd_plugin.engine.hooks import TauNormHook


def classifier():
    torch.manual_seed(0)
    return MODELS.build(dict(
        type='ImageClassifier', backbone=dict(type='CifarResNet', depth=8),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=3, in_channels=64)))


@pytest.mark.parametrize('tau', [0.0, 0.5, 1.0])
def test_weights_are_normalised_for_the_test_and_restored(tau):
    model = classifier()
    trained = model.head.fc.weight.detach().clone()
    bias = model.head.fc.bias.detach().clone()
    runner = SimpleNamespace(model=model, logger=MMLogger.get_current_instance())
    hook = TauNormHook(tau=tau)
    hook.before_test(runner)
    by_hand = torch.stack([w / w.norm()**tau for w in trained])
    torch.testing.assert_close(model.head.fc.weight.detach(), by_hand)
    assert torch.equal(model.head.fc.bias, bias)
    if tau == 1.0:
        torch.testing.assert_close(model.head.fc.weight.norm(dim=1), torch.ones(3))
    hook.after_test(runner)
    assert torch.equal(model.head.fc.weight, trained)


def test_a_head_without_the_weight_is_one_line():
    runner = SimpleNamespace(model=classifier(), logger=MMLogger.get_current_instance())
    with pytest.raises(ValueError, match="TauNormHook: the model's head has no "
                       "parameter 'linear.weight'"):
        TauNormHook(weight='linear.weight').before_test(runner)
    with pytest.raises(ValueError, match='tau must be >= 0'):
        TauNormHook(tau=-1)


def test_a_cosine_head_is_refused():
    """A cosine head divides its weights by their norms in every forward, so the
    hook would test the trained classifier under another name."""
    model = MODELS.build(dict(
        type='ImageClassifier', backbone=dict(type='CifarResNet', depth=8),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='CosineClsHead', num_classes=3, in_channels=64)))
    runner = SimpleNamespace(model=model, logger=MMLogger.get_current_instance())
    with pytest.raises(ValueError, match="TauNormHook: the model's head is a "
                       'CosineClsHead, which normalises its class weights itself'):
        TauNormHook(tau=1.0).before_test(runner)

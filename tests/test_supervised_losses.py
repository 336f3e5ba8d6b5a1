"""Long-tail losses against values worked out by hand (numpy, explicit sums)."""
import math

import numpy as np
import pytest
import torch
from mmpretrain.registry import MODELS

Z = np.array([[1.0, 2.0, 0.5], [0.3, -1.0, 2.0], [0.0, 0.0, 0.0], [-0.5, 1.5, 0.2]])
Y = np.array([0, 2, 1, 1])
COUNTS = [8, 4, 2]  # prior 4/7, 2/7, 1/7


def ce(logits_row, y):
    return -(logits_row[y] - math.log(sum(math.exp(v) for v in logits_row)))


def build(cfg):
    return MODELS.build(cfg)


def run(loss, z=Z, y=Y):
    return float(loss(torch.tensor(z, dtype=torch.float32), torch.tensor(y)))


def test_logit_adjust_matches_hand_value():
    prior = np.array(COUNTS) / 14
    for tau in (1.0, 0.5):
        expected = np.mean([ce(Z[i] + tau * np.log(prior), Y[i]) for i in range(4)])
        loss = build(dict(type='LogitAdjustLoss', tau=tau, class_counts=COUNTS))
        assert run(loss) == pytest.approx(expected, rel=1e-5)
    # one sample worked fully by hand: z=(0,0,0), y=1, tau=1 ->
    # -log((2/7) / (4/7 + 2/7 + 1/7)) = log(3.5)
    loss = build(dict(type='LogitAdjustLoss', class_counts=COUNTS))
    assert run(loss, Z[2:3], Y[2:3]) == pytest.approx(math.log(3.5), rel=1e-6)


def test_logit_adjust_soft_targets_and_weight():
    loss = build(dict(type='LogitAdjustLoss', class_counts=COUNTS, loss_weight=2.0))
    soft = np.eye(3)[Y] * 0.7 + 0.1
    prior = np.array(COUNTS) / 14
    adj = Z + np.log(prior)
    logp = adj - np.log(np.exp(adj).sum(1, keepdims=True))
    expected = 2.0 * np.mean(-(soft * logp).sum(1))
    assert run(loss, Z, soft) == pytest.approx(expected, rel=1e-5)
    hard = run(build(dict(type='LogitAdjustLoss', class_counts=COUNTS)))
    weighted = float(loss.__class__(class_counts=COUNTS)(
        torch.tensor(Z, dtype=torch.float32), torch.tensor(Y),
        weight=torch.tensor([1.0, 0.0, 0.0, 0.0])))
    assert weighted == pytest.approx(ce(Z[0] + np.log(prior), 0) / 4, rel=1e-5)
    by_hand = np.mean([ce(z + np.log(prior), y) for z, y in zip(Z, Y)])
    assert hard == pytest.approx(by_hand, rel=1e-5)


def test_balanced_softmax_is_la_with_tau_one():
    bs = build(dict(type='BalancedSoftmaxLoss', class_counts=COUNTS))
    n = np.array(COUNTS, dtype=float)
    expected = np.mean([-math.log(n[Y[i]] * math.exp(Z[i, Y[i]]) /
                                  sum(n[j] * math.exp(Z[i, j]) for j in range(3)))
                        for i in range(4)])
    assert run(bs) == pytest.approx(expected, rel=1e-5)


def test_cdt_divides_logits_by_class_temperatures():
    gamma = 0.5
    a = np.array([(8 / 8)**gamma, (8 / 4)**gamma, (8 / 2)**gamma])  # 1, sqrt2, 2
    expected = np.mean([ce(Z[i] / a, Y[i]) for i in range(4)])
    loss = build(dict(type='CDTLoss', gamma=gamma, class_counts=COUNTS))
    assert run(loss) == pytest.approx(expected, rel=1e-5)
    plain = build(dict(type='CDTLoss', gamma=0.0, class_counts=COUNTS))
    assert run(plain) == pytest.approx(np.mean([ce(Z[i], Y[i]) for i in range(4)]),
                                       rel=1e-5)


def test_lade_matches_official_formula():
    alpha, lam = 0.1, 0.1
    n = np.array(COUNTS, dtype=float)
    prior = n / n.sum()
    pc = np.mean([ce(Z[i] + np.log(prior), Y[i]) for i in range(4)])
    reg = 0.0
    for c in range(3):
        members = [i for i in range(4) if Y[i] == c]
        first = sum(Z[i, c] for i in members) / (len(members) + 1e-8)
        second = math.log(sum(math.exp(Z[i, c] - math.log(prior[c]) + math.log(1 / 3))
                              for i in range(4))) - math.log(4)
        reg -= prior[c] * (first - second - lam * second**2)
    loss = build(dict(type='LADELoss', alpha=alpha, remine_lambda=lam,
                      class_counts=COUNTS))
    assert run(loss) == pytest.approx(pc + alpha * reg, rel=1e-5)


def test_counts_filled_later_and_errors():
    loss = build(dict(type='LogitAdjustLoss'))
    z, y = torch.tensor(Z, dtype=torch.float32), torch.tensor(Y)
    with pytest.raises(RuntimeError, match='no class counts'):
        loss(z, y)
    loss.set_class_counts(COUNTS)
    assert torch.isfinite(loss(z, y))
    loss.set_class_counts([1, 2])
    with pytest.raises(
            ValueError, match='class_counts has 2 entries but the head gives 3'):
        loss(z, y)
    with pytest.raises(ValueError, match='non-negative'):
        loss.set_class_counts([1, -2, 3])


def test_empty_class_gives_finite_loss_and_gradient():
    for cfg in (dict(type='LogitAdjustLoss'), dict(type='CDTLoss', gamma=0.3),
                dict(type='LADELoss'), dict(type='BalancedSoftmaxLoss')):
        loss = build(dict(cfg, class_counts=[5, 0, 1]))
        z = torch.tensor(Z, dtype=torch.float32, requires_grad=True)
        value = loss(z, torch.tensor(Y))
        value.backward()
        assert torch.isfinite(value) and torch.isfinite(z.grad).all()


def test_la_gradient_is_softmax_minus_onehot():
    loss = build(dict(type='LogitAdjustLoss', class_counts=COUNTS))
    z = torch.tensor(Z, dtype=torch.float32, requires_grad=True)
    loss(z, torch.tensor(Y)).backward()
    adj = Z + np.log(np.array(COUNTS) / 14)
    p = np.exp(adj) / np.exp(adj).sum(1, keepdims=True)
    expected = (p - np.eye(3)[Y]) / 4
    np.testing.assert_allclose(z.grad.numpy(), expected, rtol=1e-5, atol=1e-7)

"""Distillation losses against values worked out independently (numpy)."""
import numpy as np
import pytest
import torch
from mmpretrain.registry import MODELS

Z = np.array([[1.0, 2.0, 0.5], [0.3, -1.0, 2.0], [0.0, 0.4, -0.2], [-0.5, 1.5, 0.2]])
T = np.array([[2.0, 0.5, 0.1], [0.2, 0.1, 3.0], [1.0, 1.0, -1.0], [0.0, 2.5, 0.5]])
Y = np.array([0, 2, 1, 1])
COUNTS = np.array([8.0, 4.0, 2.0])


def softmax(x, tau=1.0):
    e = np.exp((x - x.max(-1, keepdims=True)) / tau)
    return e / e.sum(-1, keepdims=True)


def kl_rows(p, q):
    return (p * (np.log(p) - np.log(q))).sum(-1)


def t(x):
    return torch.tensor(x, dtype=torch.float32)


def build(cfg):
    return MODELS.build(cfg)


@pytest.mark.parametrize('tau', [1.0, 2.0, 4.0])
def test_kd(tau):
    expected = tau**2 * kl_rows(softmax(T, tau), softmax(Z, tau)).mean()
    loss = build(dict(type='KDLoss', tau=tau))
    assert float(loss(t(Z), t(T))) == pytest.approx(expected, rel=1e-5)
    w = np.array([1.0, 0.0, 2.0, 0.5])
    expected_w = tau**2 * (w * kl_rows(softmax(T, tau), softmax(Z, tau))).mean()
    assert float(loss(t(Z), t(T), weight=t(w))) == pytest.approx(expected_w, rel=1e-5)


def test_wkd_weights_are_inverse_frequency():
    # N / (C n_y) = 14 / (3 n_y): 7/12, 7/3, 7/6, 7/6
    w = np.array([14 / 24, 14 / 6, 14 / 12, 14 / 12])
    expected = (w * kl_rows(softmax(T), softmax(Z))).mean()
    loss = build(dict(type='WKDLoss', tau=1.0))
    assert float(loss(t(Z), t(T), torch.tensor(Y), COUNTS)) == pytest.approx(expected,
                                                                             rel=1e-5)


def test_dive():
    tau, power, alpha = 2.0, 0.5, 0.4
    flat = softmax(T, tau)**power
    flat /= flat.sum(-1, keepdims=True)
    kl = tau**2 * kl_rows(flat, softmax(Z, tau)).mean()
    adj = Z + np.log(COUNTS / COUNTS.sum())
    bsce = -np.log(softmax(adj)[np.arange(4), Y]).mean()
    loss = build(dict(type='DiVELoss', tau=tau, power=power, alpha=alpha))
    assert float(loss(t(Z), t(T), torch.tensor(Y), COUNTS)) == pytest.approx(
        (1 - alpha) * bsce + alpha * kl, rel=1e-5)


def test_cckd_equation_8():
    tau = 2.0
    p_t = np.array([0.5, 0.3, 0.2])
    p_tr = COUNTS / COUNTS.sum()
    p_te = np.array([0.2, 0.3, 0.5])
    q = softmax(T - np.log(p_t), tau)
    s = softmax(Z + np.log(p_tr) - np.log(p_te), tau)
    expected = tau**2 * kl_rows(q, s).mean()
    loss = build(dict(type='CCKDLoss', tau=tau))
    value = float(loss(t(Z), t(T), t(p_t), t(p_tr), t(p_te)))
    assert value == pytest.approx(expected, rel=1e-5)
    uniform = np.full(3, 1 / 3)
    s_uniform = softmax(Z + np.log(p_tr) - np.log(uniform), tau)
    assert float(loss(t(Z), t(T), t(p_t), t(p_tr))) == pytest.approx(
        tau**2 * kl_rows(q, s_uniform).mean(), rel=1e-5)


def test_cckd_equals_kd_with_uniform_teacher_prior_and_equal_priors():
    for tau in (1.0, 2.0):
        uniform = t(np.full(3, 1 / 3))
        p = t(COUNTS / COUNTS.sum())
        cckd = build(dict(type='CCKDLoss', tau=tau))(t(Z), t(T), uniform, p, p)
        kd = build(dict(type='KDLoss', tau=tau))(t(Z), t(T))
        assert float(cckd) == pytest.approx(float(kd), rel=1e-5)


def test_cckd_gradient_is_tau_times_softmax_minus_target_over_b():
    tau = 2.0
    p_t, p_tr = t([0.5, 0.3, 0.2]), t(COUNTS / COUNTS.sum())
    z = t(Z).requires_grad_(True)
    build(dict(type='CCKDLoss', tau=tau))(z, t(T), p_t, p_tr).backward()
    r = Z + np.log(COUNTS / COUNTS.sum()) - np.log(1 / 3)
    q = softmax(T - np.log([0.5, 0.3, 0.2]), tau)
    np.testing.assert_allclose(z.grad.numpy(), tau * (softmax(r, tau) - q) / 4,
                               rtol=1e-4, atol=1e-6)


def test_cckd_mix_equation_12():
    tau, p_t = 2.0, np.array([0.6, 0.3, 0.1])
    expected = tau**2 * kl_rows(softmax(T - np.log(p_t), tau), softmax(Z, tau)).mean()
    loss = build(dict(type='CCKDMixLoss', tau=tau))
    assert float(loss(t(Z), t(T), t(p_t))) == pytest.approx(expected, rel=1e-5)


def test_zero_prior_gives_finite_loss_and_gradient():
    z = t(Z).requires_grad_(True)
    zero = t([1.0, 0.0, 0.0])
    value = build(dict(type='CCKDLoss'))(z, t(T), zero, zero) + \
        build(dict(type='CCKDMixLoss'))(z, t(T), zero)
    value.backward()
    assert torch.isfinite(value) and torch.isfinite(z.grad).all()


def test_bad_priors():
    loss = build(dict(type='CCKDLoss'))
    good = t([0.5, 0.3, 0.2])
    with pytest.raises(ValueError, match=r'teacher_prior must have shape \(3,\)'):
        loss(t(Z), t(T), t([0.5, 0.5]), good)
    with pytest.raises(ValueError, match='train_prior has negative entries'):
        loss(t(Z), t(T), good, t([1.2, -0.1, -0.1]))
    with pytest.raises(ValueError, match='test_prior must sum to 1'):
        loss(t(Z), t(T), good, good, t([0.5, 0.5, 0.5]))


def test_sup_mix():
    ya, yb = np.array([0, 2, 1, 0]), np.array([1, 2, 0, 2])
    logp = np.log(softmax(Z))
    w = softmax(np.stack([T[np.arange(4), ya], T[np.arange(4), yb]], 1))
    expected = -(w[:, 0] * logp[np.arange(4), ya] +
                 w[:, 1] * logp[np.arange(4), yb]).mean()
    loss = build(dict(type='SupMixLoss'))
    assert float(loss(t(Z), t(T), torch.tensor(ya), torch.tensor(yb))) == pytest.approx(
        expected, rel=1e-5)
    same = loss(t(Z), t(T), torch.tensor(Y), torch.tensor(Y))
    ce = torch.nn.functional.cross_entropy(t(Z), torch.tensor(Y))
    assert float(same) == pytest.approx(float(ce), rel=1e-6)


def test_feature_imitation():
    rng = np.random.default_rng(0)
    s, g = rng.normal(size=(4, 6)), rng.normal(size=(4, 6))
    cos = (s * g).sum(1) / np.linalg.norm(s, axis=1) / np.linalg.norm(g, axis=1)
    loss = build(dict(type='FeatureImitationLoss'))
    assert float(loss(t(s), t(g))) == pytest.approx((1 - cos).mean(), rel=1e-5)
    w = 1 / COUNTS[Y]
    assert float(loss(t(s), t(g), torch.tensor(Y), COUNTS)) == pytest.approx(
        (w * (1 - cos)).sum() / w.sum(), rel=1e-5)
    assert float(loss(t(s), t(3 * s))) == pytest.approx(0.0, abs=1e-6)
    with pytest.raises(ValueError, match='differ'):
        loss(t(s), t(g[:, :5]))


@pytest.mark.parametrize('kind', ['KDLoss', 'WKDLoss', 'DiVELoss', 'CCKDLoss',
                                  'CCKDMixLoss', 'FeatureImitationLoss', 'SupMixLoss'])
def test_distillation_losses_have_no_weight_of_their_own(kind):
    """One weighting for the objective: the distiller's alpha1 / alpha2."""
    with pytest.raises(TypeError, match='loss_weight'):
        build(dict(type=kind, loss_weight=2.0))

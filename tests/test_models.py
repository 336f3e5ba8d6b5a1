
import pytest
import torch
from mmpretrain.registry import MODELS


def n_params(module):
    return sum(p.numel() for p in module.parameters())


def test_cifar_resnet32_has_047m_parameters_with_100_classes():
    model = MODELS.build(dict(
        type='ImageClassifier', backbone=dict(type='CifarResNet', depth=32),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=100, in_channels=64)))
    assert 0.46e6 < n_params(model) < 0.48e6
    feats = model.extract_feat(torch.randn(2, 3, 32, 32))
    assert feats[-1].shape == (2, 64)


@pytest.mark.parametrize('depth', [8, 20, 32, 44, 56, 110])
def test_cifar_resnet_depths_and_shapes(depth):
    net = MODELS.build(dict(type='CifarResNet', depth=depth, in_channels=1,
                            out_indices=(0, 1, 2)))
    convs = sum(isinstance(m, torch.nn.Conv2d) for m in net.modules())
    assert convs == depth - 1  # plus the linear layer of the head makes `depth`
    outs = net(torch.randn(2, 1, 28, 28))
    assert [o.shape[1:] for o in outs] == [(16, 28, 28), (32, 14, 14), (64, 7, 7)]


def test_cifar_resnet_bad_depth():
    with pytest.raises(ValueError, match='depth must be 6n\\+2'):
        MODELS.build(dict(type='CifarResNet', depth=18))


def two_sgd_steps(net):
    """Two SGD steps (with weight decay) on random 1-channel images in train mode;
    the parameters and BatchNorm buffers before and after."""
    torch.manual_seed(0)
    before = {k: v.clone() for k, v in net.state_dict().items()}
    trainable = [p for p in net.parameters() if p.requires_grad]
    optimizer = torch.optim.SGD(trainable or [torch.zeros(1, requires_grad=True)],
                                lr=0.1, momentum=0.9, weight_decay=5e-4)
    net.train()
    for _ in range(2):
        loss = net(torch.randn(8, 1, 28, 28))[-1].square().mean()
        optimizer.zero_grad()
        if trainable:
            loss.backward()
        optimizer.step()
    return before, net.state_dict()


def changed(before, after, prefix):
    return {k for k in before if k.startswith(prefix)
            and not k.endswith('num_batches_tracked')
            and not torch.equal(before[k], after[k])}


@pytest.mark.parametrize('frozen', [-1, 0, 1, 2, 3])
def test_cifar_resnet_frozen_stages_keep_weights_and_statistics(frozen):
    """frozen_stages=k: the stem and stages 0..k-1 keep every weight and BatchNorm
    statistic through training steps; the later stages move."""
    net = MODELS.build(dict(type='CifarResNet', depth=8, in_channels=1,
                            frozen_stages=frozen))
    before, after = two_sgd_steps(net)
    parts = ['stem.'] + [f'stages.{i}.' for i in range(3)]
    for i, prefix in enumerate(parts):
        if i <= frozen:  # part i is the stem (0) or stage i - 1
            assert not changed(before, after, prefix), prefix
            assert not any(p.requires_grad for n, p in net.named_parameters()
                           if n.startswith(prefix))
        else:  # weights and running statistics both move
            moved = changed(before, after, prefix)
            assert any('running_mean' in k for k in moved), prefix
            assert any(k.endswith('conv1.weight') or k.endswith('0.weight')
                       for k in moved), prefix


def test_cifar_resnet_norm_eval_fixes_every_batchnorm_statistic():
    net = MODELS.build(dict(type='CifarResNet', depth=8, in_channels=1,
                            norm_eval=True))
    before, after = two_sgd_steps(net)
    stats = [k for k in before if 'running_' in k]
    assert stats and not changed(before, after, '') & set(stats)
    assert 'stages.2.0.bn2.weight' in changed(before, after, '')  # affine still trains
    net.train()
    assert not any(m.training for m in net.modules()
                   if isinstance(m, torch.nn.BatchNorm2d))


def test_cifar_resnet_frozen_stages_outside_the_network_is_one_line():
    for bad in (-2, 4, 1.5):
        with pytest.raises(ValueError, match=r'frozen_stages must be -1 \(none\), 0 '):
            MODELS.build(dict(type='CifarResNet', depth=8, frozen_stages=bad))


def test_resnet10_is_one_basic_block_per_stage():
    net = MODELS.build(dict(type='ResNet10'))
    assert [len(net.get_submodule(f'layer{i}')) for i in range(1, 5)] == [1, 1, 1, 1]
    out = net(torch.randn(1, 3, 64, 64))
    assert out[-1].shape == (1, 512, 2, 2)
    assert n_params(net) == pytest.approx(4.9e6, rel=0.02)


def test_cosine_head_logits_and_learnable_scale():
    head = MODELS.build(dict(type='CosineClsHead', num_classes=3, in_channels=4,
                             scale=25.0, learnable_scale=True))
    x = torch.randn(5, 4)
    logits = head((x, ))
    cos = torch.nn.functional.cosine_similarity(
        x[:, None], head.fc.weight[None], dim=-1)
    torch.testing.assert_close(logits, 25.0 * cos, rtol=1e-5, atol=1e-5)
    assert logits.abs().max() <= 25.0 + 1e-4
    loss = head.loss(
        (x, ), [_sample(0), _sample(1),
                _sample(2), _sample(0),
                _sample(1)])
    loss['loss'].backward()
    assert head.log_scale.grad is not None and head.fc.weight.grad is not None
    fixed = MODELS.build(dict(type='CosineClsHead', num_classes=3, in_channels=4))
    assert not any(p is fixed.log_scale for p in fixed.parameters())
    assert float(fixed.scale) == pytest.approx(16.0)
    with pytest.raises(ValueError, match='scale must be positive'):
        MODELS.build(dict(type='CosineClsHead', num_classes=3, in_channels=4, scale=0))


def test_cosine_head_starts_from_unit_rows_in_every_direction():
    """LIFT's initialisation: random unit-length class weights, kept through
    mmengine's init_weights (a short row would take a longer normalised step)."""
    torch.manual_seed(0)
    head = MODELS.build(dict(type='CosineClsHead', num_classes=1000, in_channels=768))
    head.init_weights()
    norms = head.fc.weight.norm(dim=1)
    torch.testing.assert_close(norms, torch.ones(1000))
    mean_direction = torch.nn.functional.normalize(head.fc.weight, dim=1).mean(0)
    assert float(mean_direction.norm()) < 0.1  # no shared direction
    small = MODELS.build(dict(type='CosineClsHead', num_classes=3, in_channels=96,
                              init_cfg=dict(type='Normal', layer='Linear', std=0.01)))
    small.init_weights()  # an explicit init_cfg still wins
    assert float(small.fc.weight.norm(dim=1).max()) < 0.2


def test_the_students_align_normalisation_folds_into_its_linear_layer():
    """The cosine-classifier students train their d -> D layer with batch
    normalisation after it; in eval mode that is a fixed affine map, so the
    deployed network is backbone + one linear layer + cosine head."""
    import os.path as osp

    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    init_default_scope('mmpretrain')
    root = osp.dirname(osp.dirname(osp.abspath(__file__)))
    cfg = Config.fromfile(osp.join(root, 'configs', 'baselines',
                                   'la_resnet8-96-cosine_fashion-mnist-lt.py'))
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    neck = model.neck
    with torch.no_grad():  # non-trivial running statistics and affine parameters
        neck.norm.running_mean.normal_()
        neck.norm.running_var.uniform_(0.5, 2.0)
        neck.norm.weight.uniform_(0.5, 1.5)
        neck.norm.bias.normal_()
    model.eval()
    x = torch.randn(3, 1, 28, 28)
    norm = neck.norm
    gain = norm.weight / torch.sqrt(norm.running_var + norm.eps)
    folded = torch.nn.Linear(64, 96)
    with torch.no_grad():
        folded.weight.copy_(neck.fc.weight * gain[:, None])
        folded.bias.copy_((neck.fc.bias - norm.running_mean) * gain + norm.bias)
        pooled = model.backbone(x)[-1].mean(dim=(2, 3))
        torch.testing.assert_close(model.head((folded(pooled), )),
                                   model(x, mode='tensor'), rtol=1e-5, atol=1e-5)


def _sample(label):
    from mmpretrain.structures import DataSample
    return DataSample().set_gt_label(label)

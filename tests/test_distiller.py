"""ClassConditionalDistiller end to end with a tiny CLIP teacher and a tiny student."""
import os
import os.path as osp

import numpy as np
import pytest
import torch
from helpers import ACCKD_CONFIG, TINY_VIT, run_tool, scalars
from mmpretrain.registry import MODELS

from cckd_plugin.compat import safe_torch_load

TEACHER = dict(
    type='ImageClassifier',
    backbone=dict(type='CLIPVisionBackbone', model_name='tiny-vit', model_cfg=TINY_VIT,
                  peft=dict(type='AdaptFormer', bottleneck=2)),
    head=dict(type='CosineClsHead', num_classes=10, in_channels=64, scale=25.0))
STUDENT = dict(type='ImageClassifier',
               backbone=dict(type='CifarResNet', depth=8, in_channels=1),
               neck=dict(type='GlobalAveragePooling'),
               head=dict(type='LinearClsHead', num_classes=10, in_channels=64,
                         loss=dict(type='LogitAdjustLoss')))


@pytest.fixture(scope='module')
def tiny_teacher_ckpt(tmp_path_factory):
    torch.manual_seed(0)
    teacher = MODELS.build(TEACHER)
    path = str(tmp_path_factory.mktemp('teacher') / 'tiny_clip_teacher.pth')
    torch.save({'state_dict': teacher.state_dict()}, path)
    return path


@pytest.fixture(scope='module')
def pool_teacher_ckpt(tmp_path_factory):
    """A random-weight checkpoint of the offline ResNet-20 teacher (the NCM
    configs take its backbone)."""
    torch.manual_seed(0)
    teacher = MODELS.build(
        dict(
            type='ImageClassifier',
            backbone=dict(type='CifarResNet', depth=20, in_channels=1),
            neck=dict(type='GlobalAveragePooling'),
            head=dict(type='LinearClsHead', num_classes=10, in_channels=64)))
    path = str(tmp_path_factory.mktemp('pool_teacher') / 'pool_teacher.pth')
    torch.save({'state_dict': teacher.state_dict()}, path)
    return path


def write_config(tmp_path, repo_root, fmnist_root, ckpt, method='acckd'):
    cfg = f'''
_base_ = [{osp.join(repo_root, ACCKD_CONFIG)!r}]
# a random teacher, at chance on val on purpose
model = dict(teacher=dict(_delete_=True, **{TEACHER!r}), teacher_ckpt={ckpt!r},
             distill=dict(method={method!r}), weak_teacher='warn')
profile = dict(data_root={fmnist_root!r}, n_max=60, imbalance_ratio=10, download=False)
train_dataloader = dict(batch_size=16, dataset=dict(dataset=profile))
val_dataloader = dict(dataset=profile)
test_dataloader = dict(dataset=profile)
train_cfg = dict(max_epochs=1, val_interval=1)
default_hooks = dict(logger=dict(interval=1))
'''
    path = tmp_path / f'{method}_tiny.py'
    path.write_text(cfg)
    return str(path)


@pytest.mark.e2e
def test_acckd_through_train_tool(repo_root, fmnist_root, tiny_teacher_ckpt, tmp_path):
    config = write_config(tmp_path, repo_root, fmnist_root, tiny_teacher_ckpt)
    work = str(tmp_path / 'work')
    result = run_tool(repo_root, 'train.py', config, '--work-dir', work)
    log = result.stdout + result.stderr
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'priors: teacher' in log
    assert 'teacher accuracy on the validation split' in log
    records = [r for r in scalars(work) if 'loss' in r]
    assert len(records) == 15  # 240 images / 16
    for term in ('loss_sup', 'loss_cckd', 'loss_sup_mix', 'loss_cckd_mix', 'loss_fi',
                 'loss_fi_mix'):
        assert all(term in r for r in records), term
    ckpt = safe_torch_load(osp.join(work, 'epoch_1.pth'))
    saved = safe_torch_load(tiny_teacher_ckpt)['state_dict']
    state = ckpt['state_dict']
    for key, value in saved.items():  # the teacher is bit-identical after training
        assert torch.equal(state['teacher.' + key], value), key
    assert bool(state['priors_ready'])
    assert float(state['teacher_prior'].sum()) == pytest.approx(1.0, abs=1e-5)
    # student and teacher features are both 64-d: no align layer (Section 3.4)
    assert not any(k.startswith(('student.neck.1.', 'align.')) for k in state)

    # the exported student is a plain MMPretrain classifier with the same outputs
    out = str(tmp_path / 'export' / 'student.pth')
    result = run_tool(repo_root, 'model_converters/export_student.py', config,
                      osp.join(work, 'epoch_1.pth'), out)
    assert result.returncode == 0, result.stderr[-3000:]
    exported = safe_torch_load(out)['state_dict']
    assert not any(k.startswith(('teacher.', 'align.')) for k in exported)
    from mmengine.config import Config
    from mmengine.runner import load_checkpoint
    from mmpretrain.apis import init_model
    plain = init_model(out[:-4] + '.py', out, device='cpu')
    assert type(plain).__name__ == 'ImageClassifier'
    distill_cfg = Config.fromfile(config)
    distiller = MODELS.build(dict(distill_cfg.model,
                                  data_preprocessor=distill_cfg.data_preprocessor))
    load_checkpoint(distiller, osp.join(work, 'epoch_1.pth'), map_location='cpu')
    distiller.eval()
    raw = [torch.randint(0, 256, (1, 28, 28), dtype=torch.uint8) for _ in range(4)]
    with torch.no_grad():
        data = plain.data_preprocessor({'inputs': raw, 'data_samples': None}, False)
        expected = plain(data['inputs'], mode='tensor')
        got = distiller(torch.stack(raw).float(), mode='tensor')
    torch.testing.assert_close(got, expected, rtol=1e-5, atol=1e-5)

    # MMPretrain's inferencer classifies an image file (loaded as 3-channel BGR)
    # with the 1-channel student: the exported pipeline makes it one channel
    import mmcv
    import numpy as np
    from mmpretrain.apis import ImageClassificationInferencer
    image = str(tmp_path / 'shirt.png')
    mmcv.imwrite(np.random.default_rng(0).integers(0, 256, (28, 28, 3), dtype=np.uint8),
                 image)
    result = ImageClassificationInferencer(out[:-4] + '.py', pretrained=out,
                                           device='cpu')(image)[0]
    bgr = mmcv.imread(image).astype(np.float64)
    # mmcv's RandomGrayscale truncates the weighted sum to uint8
    grey = (bgr * np.array([0.114, 0.587, 0.299])).sum(-1).astype(np.uint8)
    with torch.no_grad():
        data = plain.data_preprocessor(
            {
                'inputs': [torch.from_numpy(grey).float()[None]],
                'data_samples': None
            }, False)
        scores = plain(data['inputs'], mode='tensor').softmax(-1)[0]
    assert result['pred_label'] == int(scores.argmax())
    np.testing.assert_allclose(
        result['pred_scores'], scores.numpy(), rtol=1e-3, atol=1e-4)


ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
DISTILL_CONFIGS = sorted([
    osp.join(root, f)
    for root, _, files in os.walk(osp.join(ROOT, 'configs', 'distill'))
    for f in files if f.endswith('.py')
] + [osp.join(ROOT, 'configs', 'acckd_r18_imagenet-lt.py')])


def test_distill_family_is_complete():
    names = {osp.basename(p) for p in DISTILL_CONFIGS}
    for method in ('kd', 'wkd', 'dive', 'cckd', 'acckd'):
        for teacher in ('af-la', 'zero-shot', 'ncm'):
            assert f'{method}_resnet32_clip-{teacher}_cifar100-lt.py' in names
            assert f'{method}_resnet18_clip-{teacher}_inat2018.py' in names
            for depth in (10, 18, 34, 50):
                assert f'{method}_resnet{depth}_clip-{teacher}_imagenet-lt.py' in names
            if method != 'dive':  # Table 6 (DiVE holds its own balanced-softmax term)
                for loss in ('cdt', 'lade'):
                    name = f'{method}_resnet18-{loss}_clip-{teacher}_imagenet-lt.py'
                    assert name in names
        for teacher in ('ft', 'ncm'):
            assert f'{method}_resnet8_offline-{teacher}_fashion-mnist-lt.py' in names
    for peft in ('adapter', 'lora', 'vpt-shallow', 'vpt-deep'):  # Table 5
        assert f'acckd_resnet18_clip-{peft}-la_imagenet-lt.py' in names
    for suffix in ('resnet18_clip-af-la_imagenet-lt.py',
                   'resnet8_offline-ft_fashion-mnist-lt.py'):
        for tau in (1, 4, 8, 10):  # Figure 8
            assert f'fig8-tau{tau}_acckd_{suffix}' in names
        for sampling in ('random-random', 'balanced-balanced'):  # Figure 7
            assert f'fig7-{sampling}_acckd_{suffix}' in names
        assert f'fig9-synthetic-only_{suffix}' in names  # Figure 9
    assert len([n for n in names if n.startswith('row') and 'imagenet' in n]) == 6
    assert len([n for n in names if n.startswith('row') and 'fashion' in n]) == 4


def build(**kwargs):
    cfg = dict(
        type='ClassConditionalDistiller',
        student=STUDENT,
        teacher=dict(
            STUDENT, backbone=dict(type='CifarResNet', depth=8, in_channels=1)),
        distill=dict(method='cckd'),
        data_preprocessor=dict(mean=[0.0], std=[1.0]),
        weak_teacher='warn')  # random teachers, at chance on purpose
    cfg.update(kwargs)
    return MODELS.build(cfg)


def test_distiller_bad_input(tmp_path):
    with pytest.raises(ValueError, match="distill.method must be one of .* got 'akd'"):
        build(distill=dict(method='akd'))
    with pytest.raises(ValueError, match='teacher has 5 classes but the student 10'):
        build(teacher=dict(STUDENT, head=dict(type='LinearClsHead', num_classes=5,
                                              in_channels=64)))
    with pytest.raises(FileNotFoundError, match='teacher_ckpt not found'):
        build(teacher_ckpt=str(tmp_path / 'none.pth'))
    other = MODELS.build(dict(STUDENT, backbone=dict(type='CifarResNet', depth=20,
                                                     in_channels=1)))
    path = str(tmp_path / 'other.pth')
    torch.save({'state_dict': {'backbone.x': torch.zeros(1)}}, path)
    with pytest.raises(ValueError, match='does not fit model.teacher'):
        build(teacher_ckpt=path)
    with pytest.raises(ValueError, match='priors.test must sum to 1'):
        build(priors=dict(test=[0.5] * 10))
    with pytest.raises(ValueError, match=r'priors.test must have shape \(10,\)'):
        build(priors=dict(test=[0.5, 0.5]))
    del other


def test_teacher_ckpt_is_found_from_the_teacher_config(tmp_path, monkeypatch):
    """teacher_ckpt='auto' (the default): a teacher config that trains loads the
    last checkpoint tools/train.py writes for it; a zero-shot / NCM or inline
    teacher loads none; dict(trained_by=CONFIG) names another config's run."""
    from cckd_plugin.models.distillers.frozen_teacher import resolve_teacher_ckpt
    monkeypatch.chdir(tmp_path)
    trained = tmp_path / 'my_teacher.py'
    trained.write_text(f'model = {STUDENT!r}\ntrain_cfg = dict(max_epochs=3)\n')
    ncm = tmp_path / 'my_ncm_teacher.py'
    head = dict(type='NCMClsHead', num_classes=10, in_channels=64)
    ncm.write_text(f'model = {dict(STUDENT, head=head)!r}\n')
    final = osp.join('work_dirs', 'my_teacher', 'epoch_3.pth')
    assert resolve_teacher_ckpt(str(trained), 'auto') == final
    assert resolve_teacher_ckpt(str(ncm), 'auto') is None
    assert resolve_teacher_ckpt(STUDENT, 'auto') is None
    assert resolve_teacher_ckpt(str(ncm), dict(trained_by=str(trained))) == final
    assert resolve_teacher_ckpt(str(trained), None) is None
    assert resolve_teacher_ckpt(str(trained), 'x.pth') == 'x.pth'
    with pytest.raises(ValueError, match='a dict takes one key, trained_by=CONFIG'):
        resolve_teacher_ckpt(str(trained), dict(config=str(trained)))
    # not trained yet: one line naming the file and how to make it
    with pytest.raises(FileNotFoundError, match=r'model.teacher_ckpt not found: '
                       r'work_dirs/my_teacher/epoch_3.pth \(train the teacher config '
                       r'with tools/train.py'):
        build(teacher=str(trained))
    # trained: the distiller loads it
    torch.manual_seed(1)
    weights = MODELS.build(STUDENT).state_dict()
    os.makedirs(osp.dirname(final))
    torch.save({'state_dict': weights}, final)
    model = build(teacher=str(trained))
    torch.testing.assert_close(model.teacher.head.fc.weight, weights['head.fc.weight'])


def test_feature_imitation_needs_feature_sizes(monkeypatch):
    from cckd_plugin.models.distillers import class_conditional_distiller, model_configs
    for module in (class_conditional_distiller, model_configs):
        monkeypatch.setattr(module, 'feature_dim', lambda model_cfg: None)
    for align in ('encoder', 'branch'):
        with pytest.raises(
                ValueError, match='feature imitation needs model.*in_channels'):
            build(distill=dict(method='acckd', align=align))
    build(distill=dict(method='acckd', feature_imitation=False))  # fine without FI


def test_teacher_stays_in_eval_mode():
    model = build()
    model.train()
    assert model.student.training and not model.teacher.training
    assert not any(p.requires_grad for p in model.teacher.parameters())


@pytest.mark.e2e
def test_ncm_teacher_built_inside_the_distiller(repo_root, fmnist_root,
                                                pool_teacher_ckpt, tmp_path):
    """The offline NCM teacher: backbone from teacher_ckpt, class means built on
    first use through the teacher's view, then CCKD trains."""
    base = osp.join(repo_root, 'configs', 'distill', 'fashion_mnist_lt',
                    'cckd_resnet8_offline-ncm_fashion-mnist-lt.py')
    config = tmp_path / 'ncm_tiny.py'
    config.write_text(f'''
_base_ = [{base!r}]
model = dict(teacher_ckpt={pool_teacher_ckpt!r})
profile = dict(data_root={fmnist_root!r}, n_max=60, imbalance_ratio=10, download=False)
train_dataloader = dict(batch_size=32, dataset=dict(dataset=profile))
val_dataloader = dict(dataset=profile)
test_dataloader = dict(dataset=profile)
train_cfg = dict(max_epochs=1, val_interval=1)
''')
    work = str(tmp_path / 'work')
    result = run_tool(repo_root, 'train.py', str(config), '--work-dir', work)
    assert result.returncode == 0, result.stderr[-3000:]
    record = safe_torch_load(osp.join(work, 'teacher_heads', 'ncm.pth'))
    assert record['weight'].shape == (10, 64)
    state = safe_torch_load(osp.join(work, 'epoch_1.pth'))['state_dict']
    torch.testing.assert_close(state['teacher.head.weight'],
                               torch.nn.functional.normalize(record['weight'], dim=-1))
    assert any('loss_cckd' in r for r in scalars(work))


def test_priors_in_the_model_are_not_re_estimated():
    from types import SimpleNamespace

    from mmengine.logging import MMLogger

    from cckd_plugin.engine import EpochSeedHook, PrepareModelHook
    model = build()
    prior = torch.linspace(1, 2, 10)
    model.set_priors(prior / prior.sum(), torch.full((10, ), 0.1))
    saved = model.teacher_prior.clone()
    pairs = SimpleNamespace(with_partner=True)
    runner = SimpleNamespace(model=model, logger=MMLogger.get_current_instance(),
                             cfg=dict(load_from=None),  # a resumed run: no data needed
                             iter=5, work_dir='unused', val_loop=object(),
                             train_loop=object(),  # a training loop, not the cache's
                             train_dataloader=SimpleNamespace(dataset=pairs))
    PrepareModelHook().before_train(runner)
    assert torch.equal(model.teacher_prior, saved)
    EpochSeedHook().before_train(runner)
    assert pairs.with_partner is False  # CCKD does not mix: no partner images decoded
    state = model.state_dict()
    assert bool(state['priors_ready']) and torch.equal(state['teacher_prior'], saved)


class InMemoryPreparation:
    """A ``PreparationData`` over in-memory splits that records every pass."""

    def __init__(self, splits, work_dir, stage='train'):
        self.splits, self.work_dir, self.stage = splits, work_dir, stage
        self.class_names, self.fresh_training, self.has_val = None, True, True
        self.passes = []

    def fingerprint(self, split):
        return dict(dataset='in-memory', num_samples=len(self.splits[split][1]),
                    labels=None)

    def pass_over(self, split, step):
        self.passes.append(split)
        pixels, labels = self.splits[split]
        samples = [labels[i:i + 8] for i in range(0, len(labels), 8)]
        outputs = [step(dict(inputs=list(x), data_samples=s))
                   for x, s in zip(pixels.split(8), samples)]
        return tuple(torch.cat(parts) for parts in zip(*outputs))


class DrawingPreparation(InMemoryPreparation):
    """Each pass draws from the global generators, as a data loader does (its
    sampler seed from NumPy, its base seed from torch)."""

    def pass_over(self, split, step):
        np.random.randint(2**31)
        torch.empty((), dtype=torch.int64).random_()
        return super().pass_over(split, step)


def test_the_kd_teacher_check_leaves_the_random_draws_as_they_were(tmp_path):
    """KD ran no preparation pass before the teacher check: its validation pass
    must not move the run's draws (same numbers as before the check), while
    CCKD's passes draw as they always did."""
    from mmpretrain.structures import DataSample
    x, _ = batch_of(20, seed=2)
    labels = [DataSample().set_gt_label(int(y)) for y in torch.arange(20) % 10]
    splits = dict(train=(x, labels), val=(x, labels))
    for method, moved in (('kd', False), ('cckd', True)):
        model = with_counts(build(distill=dict(method=method)))
        data = DrawingPreparation(splits, str(tmp_path))
        torch.manual_seed(5)
        np.random.seed(5)
        model.prepare(data)
        assert 'val' in data.passes, method
        after = (float(torch.rand(1)), float(np.random.rand()))
        torch.manual_seed(5)
        np.random.seed(5)
        assert (after != (float(torch.rand(1)), float(np.random.rand()))) == moved, \
            method


def test_the_distiller_prepares_its_teacher_head_then_its_priors_in_one_pass(
        tmp_path):
    """prepare(): the NCM teacher's class means, then the priors from that same
    pass over the training set (one training pass, one validation pass); with
    the means read from their file the priors run their own pass and agree."""
    from mmpretrain.structures import DataSample

    from cckd_plugin.models.losses.functional import safe_log

    def split(n, seed):
        x, _ = batch_of(n, seed=seed)
        labels = torch.arange(n) % 10
        return x, [DataSample().set_gt_label(int(y)) for y in labels]

    teacher = dict(STUDENT, backbone=dict(type='CifarResNet', depth=8, in_channels=1),
                   head=dict(type='NCMClsHead', num_classes=10, in_channels=64))
    splits = dict(train=split(30, 1), val=split(20, 2))
    torch.manual_seed(0)
    first = with_counts(build(teacher=teacher))
    data = InMemoryPreparation(splits, str(tmp_path))
    first.prepare(data)
    assert data.passes == ['train', 'val']
    assert bool(first.teacher.head.built) and bool(first.priors_ready)
    # Eq. 9 on val and Eq. 4 on train, by hand from the teacher's own forward
    with torch.no_grad():
        outputs = first.teacher_outputs
        val_probs = torch.softmax(outputs.compute(splits['val'][0])[0], -1)
        train_probs = torch.softmax(outputs.compute(splits['train'][0])[0], -1)
    teacher_prior = val_probs.mean(0)
    torch.testing.assert_close(first.teacher_prior, teacher_prior / teacher_prior.sum())
    train_prior = torch.softmax(safe_log(train_probs) - safe_log(first.teacher_prior),
                                -1).mean(0)
    torch.testing.assert_close(first.train_prior, train_prior / train_prior.sum(),
                               rtol=1e-5, atol=1e-6)
    # the class means come from their file now: the priors need their own pass,
    # after the validation pass (which checks the teacher first)
    torch.manual_seed(0)
    second = with_counts(build(teacher=teacher))
    again = InMemoryPreparation(splits, str(tmp_path))
    second.prepare(again)
    assert again.passes == ['val', 'train']
    torch.testing.assert_close(second.train_prior, first.train_prior)
    # before validation alone: the head is read, no prior is estimated
    torch.manual_seed(0)
    third = with_counts(build(teacher=teacher))
    val_only = InMemoryPreparation(splits, str(tmp_path), stage='val')
    third.prepare(val_only)
    assert val_only.passes == [] and not bool(third.priors_ready)
    assert bool(third.teacher.head.built)


def batch_of(n=6, classes=10, seed=0):
    from mmpretrain.structures import DataSample
    g = torch.Generator().manual_seed(seed)
    pixels = torch.randint(0, 256, (n, 1, 28, 28), generator=g).float()
    labels = torch.randint(0, classes, (n, ), generator=g)
    return pixels, [DataSample().set_gt_label(int(y)) for y in labels]


def with_counts(model):
    """As ClassCountsHook does: counts into every module that takes them."""
    for module in model.modules():
        if hasattr(module, 'set_class_counts'):
            module.set_class_counts([50, 40, 30, 20, 10, 8, 6, 4, 2, 1])
    return model


def ready(model):
    with_counts(model).set_priors(torch.full((10, ), 0.1), torch.full((10, ), 0.1))
    return model


@pytest.mark.parametrize('method,tau', [('kd', 1.0), ('wkd', 1.0), ('dive', 1.0),
                                        ('cckd', 2.0), ('acckd', 2.0)])
def test_loss_modules_use_the_papers_temperatures(method, tau):
    """Appendix C: tau = 2 for CCKD / ACCKD, 1 for the comparison methods; the
    built loss modules report it."""
    model = build(distill=dict(method=method))
    assert model.settings.tau == tau
    if model.distill_loss is not None:
        assert model.distill_loss.tau == tau
    assert model.cckd.tau == model.cckd_mix.tau == tau
    assert build(distill=dict(method=method, tau=4.0)).settings.tau == 4.0


def test_cckd_without_priors_stops_before_the_first_step():
    model = with_counts(build(distill=dict(method='cckd')))
    x, samples = batch_of()
    with pytest.raises(
            RuntimeError,
            match=r"model.distill.method='cckd' needs the teacher "
            r"and training priors.*keep default_hooks.prepare_model="
            r"dict\(type='PrepareModelHook'\)"):
        model.loss(x, samples)
    with_counts(build(distill=dict(method='kd'))).loss(x, samples)  # KD needs no priors


@pytest.mark.parametrize('align', ['encoder', 'branch'])
def test_no_align_layer_where_feature_sizes_are_equal(align):
    """Section 3.4 adds the layer "due to the different feature dimensions": with
    64-d features on both sides the student is the baseline network and feature
    imitation reads the feature its head reads."""
    model = ready(build(distill=dict(method='acckd', align=align,
                                     terms=dict(sup_mix=False, cckd_mix=False,
                                                fi_mix=False))))
    assert model.align is None
    assert {k: v.shape for k, v in model.student.state_dict().items()} == {
        k: v.shape for k, v in MODELS.build(STUDENT).state_dict().items()}
    x, samples = batch_of()
    losses = model.loss(x, samples)
    feats = model.student.extract_feat(model.student_view(x))[-1]
    _, t_feats = model.teacher_outputs.compute(x)
    gap = 1 - torch.nn.functional.cosine_similarity(feats, t_feats, dim=-1)
    counts = model.class_counts
    labels = torch.cat([s.gt_label for s in samples])
    weight = 1.0 / counts[labels]
    expected = model.alpha2 * (weight * gap).sum() / weight.sum()
    torch.testing.assert_close(losses['loss_fi'], expected)


@pytest.mark.parametrize('align', ['encoder', 'branch'])
def test_align_layer_placement_where_sizes_differ(align):
    """A 64-d student and a 32-d teacher: 'encoder' ends the student's encoder
    with the layer, so the supervised loss trains it too; 'branch' leaves the
    student as it is and only feature imitation trains the layer."""
    narrow = dict(STUDENT, backbone=dict(type='CifarResNet', depth=8, in_channels=1,
                                         base_channels=8),
                  head=dict(type='LinearClsHead', num_classes=10, in_channels=32))
    model = ready(build(teacher=narrow,
                        distill=dict(method='acckd', align=align,
                                     terms=dict(sup_mix=False, cckd_mix=False,
                                                fi_mix=False))))
    layer = model.student.neck[-1].fc if align == 'encoder' else model.align
    assert (layer.in_features, layer.out_features) == (64, 32)
    x, samples = batch_of()
    losses = model.loss(x, samples)
    assert set(losses) == {'loss_sup', 'loss_cckd', 'loss_fi'}
    losses['loss_sup'].backward()
    assert (layer.weight.grad is not None) == (align == 'encoder')
    model.zero_grad()
    losses = model.loss(x, samples)
    losses['loss_fi'].backward()
    assert layer.weight.grad is not None and layer.weight.grad.abs().sum() > 0


def test_zero_shot_teacher_is_imitated_through_its_class_token():
    """A zero-shot head classifies the projected feature (32-d on the tiny tower),
    but feature imitation reads the class token (64-d) as for every CLIP teacher:
    a 64-d student needs no align layer under it."""
    zero_shot = dict(
        type='ImageClassifier',
        backbone=dict(type='CLIPVisionBackbone', model_name='tiny-vit',
                      model_cfg=TINY_VIT, out_type='projected'),
        head=dict(type='ZeroShotClsHead', num_classes=10, in_channels=32,
                  class_names=[f'thing {i}' for i in 'abcdefghij']))
    model = ready(build(teacher=zero_shot, distill=dict(method='acckd'),
                        data_preprocessor=dict(mean=[0.0], std=[1.0])))
    assert model.align is None and not isinstance(model.student.neck,
                                                  torch.nn.Sequential)
    model.teacher.head.set_weights(torch.randn(10, 32), 100.0)  # as if built
    x, samples = batch_of()
    logits, feats = model.teacher_outputs.compute(x)
    assert logits.shape == (6, 10) and feats.shape == (6, 64)
    view = model.teacher_view(x)
    token, projected = model.teacher.backbone(view)
    torch.testing.assert_close(feats, token)
    torch.testing.assert_close(logits, model.teacher.head((token, projected)))


@pytest.mark.parametrize('align', ['encoder', 'branch'])
def test_always_align_keeps_a_layer_at_equal_sizes(align):
    model = build(distill=dict(method='acckd', align=align, always_align=True))
    layer = model.student.neck[-1].fc if align == 'encoder' else model.align
    assert (layer.in_features, layer.out_features) == (64, 64)
    with pytest.raises(ValueError, match='model.distill.always_align must be True or '
                       "False, got 'yes'"):
        build(distill=dict(method='acckd', always_align='yes'))


def test_synthetic_data_only_trains_on_the_mixed_batch():
    """Figure 9's 'synthetic only': L_sup_mix + L_cckd_mix, nothing on real data."""
    model = ready(build(distill=dict(method='acckd', terms=dict(
        sup=False, cckd=False, fi=False, sup_mix=True, cckd_mix=True, fi_mix=False))))
    x, samples = batch_of()
    p, partners = batch_of(seed=1)
    assert set(model.loss(x, samples, p, partners)) == {'loss_sup_mix', 'loss_cckd_mix'}


def test_distill_settings_bad_input():
    with pytest.raises(
            ValueError,
            match=r"model.distill: unknown keys \['temperature'\]; "
            r"valid keys: \['method', 'tau'"):
        build(distill=dict(method='cckd', temperature=2))
    with pytest.raises(ValueError, match="model.distill.align must be one of "
                       r"\['encoder', 'branch'\], got 'head'"):
        build(distill=dict(method='acckd', align='head'))
    with pytest.raises(ValueError, match=r"model.distill.terms switches ACCKD's terms; "
                       "method is 'cckd'"):
        build(distill=dict(method='cckd', terms=dict(fi=False)))


def test_balanced_pairs_mix_the_second_draw_not_the_sample(monkeypatch):
    """mix_sampling='balanced+balanced': x_mix mixes the partner with mix_inputs,
    and L_sup_mix weighs their two labels; the sample still feeds L_sup."""
    import numpy as np
    model = ready(build(distill=dict(method='acckd')))
    x, samples = batch_of(seed=0)
    p, partners = batch_of(seed=1)
    m, others = batch_of(seed=2)
    seen = []
    forward = model.student_forward
    monkeypatch.setattr(model, 'student_forward',
                        lambda pixels: seen.append(pixels) or forward(pixels))
    model.set_epoch(3)
    model.loss(x, samples, p, partners, m, others)
    expected, _, _ = model.mix(m, p, np.random.default_rng([model.seed, 3, 0]))
    torch.testing.assert_close(seen[0][:6], x)
    torch.testing.assert_close(seen[0][6:], expected)


def test_teacher_autocast_is_a_setting_tested_on_cpu():
    """bf16 autocast of the teacher on the CPU: finite logits close to fp32, fp32
    losses, and the teacher bit-identical after training steps."""
    torch.manual_seed(0)
    fp32 = ready(build(distill=dict(method='acckd'), teacher_precision='fp32'))
    bf16 = ready(build(distill=dict(method='acckd'), teacher_precision='bf16'))
    bf16.load_state_dict(fp32.state_dict())
    assert fp32.teacher_outputs.autocast_dtype(torch.device('cpu')) is None
    assert bf16.teacher_outputs.autocast_dtype(torch.device('cpu')) == torch.bfloat16
    auto = build(distill=dict(method='kd'))
    assert auto.teacher_outputs.autocast_dtype(
        torch.device('cpu')) is None  # 'auto': fp32 on CPU
    x, samples = batch_of(n=8)
    ref_logits, ref_feats = fp32.teacher_outputs.compute(x)
    logits, feats = bf16.teacher_outputs.compute(x)
    assert logits.dtype == feats.dtype == torch.float32
    assert torch.isfinite(logits).all() and not torch.equal(logits, ref_logits)
    torch.testing.assert_close(logits, ref_logits, rtol=0.05, atol=0.1)
    teacher = {k: v.clone() for k, v in bf16.teacher.state_dict().items()}
    opt = torch.optim.SGD([p for p in bf16.parameters() if p.requires_grad], lr=0.1)
    p, partners = batch_of(n=8, seed=1)
    for _ in range(2):
        losses = bf16.loss(x, samples, p, partners)
        assert all(v.dtype == torch.float32 for v in losses.values())
        opt.zero_grad()
        sum(losses.values()).backward()
        opt.step()
    for key, value in bf16.teacher.state_dict().items():
        assert torch.equal(value, teacher[key]), key
    with pytest.raises(
            ValueError, match=r"model.teacher_precision must be one of \['auto'"):
        build(teacher_precision='half')


class _Stop(Exception):
    pass


def start_up(repo_root, fmnist_root, ckpt, work, priority='NORMAL'):
    """The NCM CCKD config up to its first iteration, ``PrepareModelHook`` at
    ``priority``: the runner and the batch sizes of every teacher forward."""
    from mmengine.config import Config
    from mmengine.hooks import Hook

    from cckd_plugin.engine import build_runner, prepare_cfg
    profile = dict(data_root=fmnist_root, n_max=60, imbalance_ratio=10, download=False)
    cfg = Config.fromfile(osp.join(repo_root, 'configs', 'distill', 'fashion_mnist_lt',
                                   'cckd_resnet8_offline-ncm_fashion-mnist-lt.py'))
    cfg.merge_from_dict({
        'model.teacher_ckpt': ckpt,
        'train_dataloader.dataset.dataset': profile,
        'val_dataloader.dataset': profile,
        'test_dataloader.dataset': profile,
        'default_hooks.prepare_model.priority': priority,
    })
    cfg.work_dir = work

    class StopAtFirstIteration(Hook):
        def before_train_iter(self, runner, batch_idx, data_batch=None):
            raise _Stop

    runner = build_runner(prepare_cfg(cfg))
    runner.register_hook(StopAtFirstIteration())
    seen = []
    extract = runner.model.teacher.extract_feat
    runner.model.teacher.extract_feat = lambda x: seen.append(len(x)) or extract(x)
    with pytest.raises(_Stop):
        runner.train()
    return runner, seen


@pytest.mark.e2e
def test_ncm_teacher_start_up_is_one_training_set_pass(repo_root, fmnist_root,
                                                       pool_teacher_ckpt, tmp_path):
    """With an NCM teacher the class means and the training prior (Eq. 4) come
    from one teacher pass over the training set; the validation pass for the
    teacher prior (Eq. 9) is the only other one. The distiller orders them
    itself: with its trigger hook first or last among the hooks, the same."""
    runner, seen = start_up(repo_root, fmnist_root, pool_teacher_ckpt,
                            str(tmp_path / 'work'))
    n_train = len(runner.train_dataloader.dataset)
    n_val = len(runner.val_dataloader.dataset)
    assert bool(runner.model.priors_ready)
    assert sum(seen) == n_train + n_val, (sum(seen), n_train, n_val)
    for priority in ('VERY_HIGH', 'VERY_LOW'):
        other, passes = start_up(repo_root, fmnist_root, pool_teacher_ckpt,
                                 str(tmp_path / priority), priority)
        from mmengine.runner import get_priority
        assert [get_priority(h.priority) for h in other.hooks if type(h).__name__ ==
                'PrepareModelHook'] == [get_priority(priority)]
        assert sum(passes) == sum(seen)
        for name in ('teacher_prior', 'train_prior', 'teacher.head.weight'):
            torch.testing.assert_close(other.model.get_buffer(name),
                                       runner.model.get_buffer(name))


def test_the_start_up_log_says_which_loss_the_mixed_samples_take(tmp_path):
    """L_sup_mix stays Eq. 14's teacher-weighted cross-entropy when L_sup is
    swapped; the distiller says so once at start-up (and only where it mixes)."""
    from mmengine.logging import MMLogger
    log = tmp_path / 'start.log'
    MMLogger.get_instance('sup_mix_line', log_file=str(log))
    student = dict(STUDENT, head=dict(STUDENT['head'], loss=dict(type='CDTLoss')))
    build(student=student, distill=dict(method='acckd'), teacher_ckpt=None)
    build(distill=dict(method='cckd'), teacher_ckpt=None)
    lines = [line for line in log.read_text().splitlines() if 'L_sup_mix' in line]
    assert len(lines) == 1
    assert "L_sup is the student head's CDTLoss; L_sup_mix is the paper's " \
        'teacher-weighted cross-entropy on the mixed samples (Eq. 14)' in lines[0]


def test_sup_mix_loss_student_puts_the_heads_loss_on_the_teacher_weighted_target():
    """distill.sup_mix_loss='student': L_sup_mix is the head's LA loss on Eq. 13's
    soft target. With uniform class counts LA is plain cross-entropy, so it equals
    Eq. 14 to the bit; with long-tailed counts it differs; a head loss that takes
    no soft target is refused at start-up."""
    only_sup_mix = dict(sup=False, cckd=False, fi=False, sup_mix=True, cckd_mix=False,
                        fi_mix=False)
    x, samples = batch_of()
    p, partners = batch_of(seed=1)
    values = {}
    for counts in ('uniform', 'long-tailed'):
        for mode in ('eq14', 'student'):
            torch.manual_seed(0)
            model = ready(build(distill=dict(method='acckd', terms=only_sup_mix,
                                             sup_mix_loss=mode)))
            if counts == 'uniform':
                for module in model.modules():
                    if hasattr(module, 'set_class_counts'):
                        module.set_class_counts([5] * 10)
            values[counts, mode] = float(model.loss(x, samples, p, partners)
                                         ['loss_sup_mix'])
    assert values['uniform', 'student'] == pytest.approx(values['uniform', 'eq14'],
                                                         rel=1e-6)
    assert values['long-tailed', 'student'] != pytest.approx(
        values['long-tailed', 'eq14'], rel=1e-3)
    ce_head = dict(STUDENT, head=dict(STUDENT['head'],
                                      loss=dict(type='CrossEntropyLoss')))
    with pytest.raises(ValueError, match="model.distill.sup_mix_loss='student': the "
                       "student head's CrossEntropyLoss takes no soft targets"):
        build(student=ce_head, distill=dict(method='acckd', sup_mix_loss='student'))
    with pytest.raises(ValueError, match=r"model.distill.sup_mix_loss must be one of "
                       r"\['eq14', 'student'\], got 'head'"):
        build(distill=dict(method='acckd', sup_mix_loss='head'))


def test_a_test_run_prepares_without_building_the_val_loader():
    """tools/test.py: preparing before the test must not build the val loader
    (mmengine's runner.val_loop does; a test config's val split may be unusable:
    a CIFAR copy whose md5 check only the test split turns off)."""
    from types import SimpleNamespace

    from mmengine.logging import MMLogger

    from cckd_plugin.engine import PrepareModelHook

    class Runner(SimpleNamespace):
        @property
        def val_loop(self):
            raise AssertionError('the val loader was built')

    seen = []
    model = build()
    model.prepare = lambda data: seen.append((data.stage, data.has_val))
    runner = Runner(model=model, logger=MMLogger.get_current_instance(), iter=0,
                    cfg=dict(load_from=None, val_cfg=dict(), val_dataloader=dict()),
                    work_dir='unused', test_dataloader=SimpleNamespace(
                        dataset=SimpleNamespace(metainfo=dict(classes=None))))
    PrepareModelHook().before_test(runner)
    assert seen == [('test', True)]

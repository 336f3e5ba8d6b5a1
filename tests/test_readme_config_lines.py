"""Every config line the README and its reference pages in docs/ show, run
verbatim: each is written into a config that inherits a shipped one, and the
merged config must build what the page says (a swapped loss or tuner replaces
the old one, keeps none of its arguments)."""
import os
import os.path as osp
import re
import uuid

import pytest
import torch
from helpers import tiny_backbone
from mmengine.config import Config
from mmpretrain.registry import MODELS

from cckd_plugin.models.distillers.distill_settings import resolve_distill
from cckd_plugin.models.distillers.model_configs import (read_model_config,
                                                         student_config)

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
#: the README and the reference pages it links to: every config line they show
PAGES = ('README.md', 'docs/components.md', 'docs/teachers.md', 'docs/distillation.md',
         'docs/benchmarks.md', 'docs/operations.md')
README = '\n'.join(open(osp.join(ROOT, page)).read() for page in PAGES)


def readme_python_lines() -> list:
    """The code lines of the README's ``python`` blocks (comments removed)."""
    lines = []
    for block in re.findall(r'```python\n(.*?)```', README, flags=re.S):
        for line in block.splitlines():
            code = line.split('#', 1)[0].rstrip()
            if code:
                lines.append(code)
    return lines


def line(code: str) -> str:
    """``code``, which must be a line of the README's config blocks."""
    assert code in readme_python_lines(), f'not in the README: {code}'
    return code


def comment_of(code: str) -> str:
    at = README.index(code)
    rest = README[at + len(code):]
    comment = rest.split('```', 1)[0]
    return ' '.join(c.split('#', 1)[1] for c in comment.splitlines() if '#' in c)


LOSS_SWAP = "model = dict(head=dict(loss=dict(type='CDTLoss', gamma=0.2)))"
PEFT_BASE = "_base_ = ['./clip-vitb16_adaptformer_la_cifar100-lt.py']"
PEFT_SWAP = "model = dict(backbone=dict(peft=dict(type='LoRA')))"
PEFT_LIBRARY_SWAP = ("model = dict(backbone=dict(peft=dict(_delete_=True, "
                     "type='PeftTuner', method='LOHA', config=dict(r=8))))")
CNN_BASE = "_base_ = ['./effnet-lite0_head-only_la_cifar10-lt-n500.py']"
CNN_PEFT = ("model = dict(backbone=dict(peft=dict(type='PeftTuner', method='LORA', "
            "config=dict(r=8))))")
RATIO_LINES = ("_base_ = ['./la_resnet8_fashion-mnist-lt.py']",
               'lt_profile = dict(imbalance_ratio=10, n_max=500, seed=0)',
               'train_dataloader = dict(dataset=dict(**lt_profile))',
               'val_dataloader = dict(dataset=dict(**lt_profile))',
               'test_dataloader = dict(dataset=dict(**lt_profile))')
NORM_LINES = ("_base_ = ['./acckd_resnet8_offline-ft_fashion-mnist-lt.py']",
              'data_preprocessor = dict(mean=[127.5], std=[127.5])',
              'model = dict(student=dict(data_preprocessor=dict(mean=[127.5], '
              'std=[127.5])))')
IMPORTS = "custom_imports = dict(imports=['cckd_plugin'], allow_failed_imports=False)"
TEACHER_SWAP = ("model = dict(teacher='configs/teachers/"
                "clip-vitb16_zero-shot_imagenet-lt.py', teacher_ckpt=None)")
STUDENT_LOSS_SWAP = ("model = dict(student=dict(head=dict(loss=dict(type='CDTLoss', "
                     "gamma=0.2))))")
DISTILL_SWAPS = {
    "model = dict(distill=dict(method='cckd'))": dict(method='cckd'),
    "model = dict(distill=dict(method='acckd', terms=dict(fi_mix=False)))":
    dict(method='acckd', fi_mix=False),
    "model = dict(distill=dict(align='branch'))": dict(align='branch'),
    "model = dict(distill=dict(always_align=True))": dict(always_align=True),
}
#: the long-tail menu's lines, added to the CIFAR-100-LT CE baseline: what each builds
MENU_LINES = {
    "model = dict(head=dict(loss=dict(_delete_=True, type='BalancedSoftmaxLoss')))":
    ('loss', 'BalancedSoftmaxLoss'),
    "model = dict(head=dict(loss=dict(_delete_=True, type='SeesawLoss', "
    "num_classes=100)))": ('loss', 'SeesawLoss'),
    "model = dict(head=dict(loss=dict(_delete_=True, type='ClassBalancedCELoss', "
    "beta=0.9999)))": ('loss', 'ClassBalancedCELoss'),
    "train_dataloader = dict(sampler=dict(_delete_=True, type='ClassPowerSampler', "
    "power=0.0))": ('sampler', (0.0, False)),
    "train_dataloader = dict(sampler=dict(_delete_=True, type='ClassPowerSampler', "
    "power=0.5))": ('sampler', (0.5, False)),
    "train_dataloader = dict(sampler=dict(_delete_=True, type='ClassPowerSampler', "
    "power=0.0, progressive=True))": ('sampler', (0.0, True)),
    "default_hooks = dict(tau_norm=dict(type='TauNormHook', tau=1.0))": ('hook', 1.0),
    "test_evaluator = dict(logit_adjust_tau=1.0)": ('evaluator', 1.0),
}
#: every line above: the README shows these and no other config lines
TESTED = {IMPORTS, LOSS_SWAP, PEFT_BASE, PEFT_SWAP, PEFT_LIBRARY_SWAP, TEACHER_SWAP,
          STUDENT_LOSS_SWAP, CNN_BASE, CNN_PEFT, *RATIO_LINES, *NORM_LINES,
          *DISTILL_SWAPS,
          *MENU_LINES}
DISTILL = 'configs/distill/imagenet_lt/acckd_resnet50_clip-af-la_imagenet-lt.py'


def with_base(tmp_path, base: str, *lines: str) -> Config:
    path = tmp_path / f'readme_{uuid.uuid4().hex[:8]}.py'
    path.write_text(f'_base_ = [{osp.join(ROOT, base)!r}]\n' + '\n'.join(lines) + '\n')
    return Config.fromfile(str(path))


def config_beside(folder: str, *lines: str) -> Config:
    """The config of ``lines`` written into ``folder`` (where a README line's
    relative ``_base_`` points), read, and removed again."""
    path = osp.join(ROOT, folder, f'_readme_{uuid.uuid4().hex[:8]}.py')
    try:
        with open(path, 'w') as f:
            f.write('\n'.join(lines) + '\n')
        return Config.fromfile(path)
    finally:
        os.remove(path)


def test_the_plugin_import_line_is_what_every_config_inherits():
    code = line(IMPORTS)
    namespace = {}
    exec(code, namespace)
    runtime = Config.fromfile(osp.join(ROOT, 'configs/_base_/default_runtime.py'))
    assert runtime.custom_imports.to_dict() == namespace['custom_imports']


@pytest.mark.parametrize('base', [
    'configs/baselines/la_resnet8_fashion-mnist-lt.py',
    'configs/baselines/la_resnet8-96-cosine_fashion-mnist-lt.py',
    'configs/baselines/la_resnet32_cifar100-lt.py',
    'configs/baselines/la_resnet50_imagenet-lt.py',
])
def test_the_loss_swap_replaces_the_baselines_loss(base, tmp_path):
    code = line(LOSS_SWAP)
    cfg = with_base(tmp_path, base, code)
    assert cfg.model.head.loss.to_dict() == dict(type='CDTLoss', gamma=0.2)
    loss = MODELS.build(cfg.model.head.loss)
    assert type(loss).__name__ == 'CDTLoss' and loss.gamma == 0.2
    # the losses its comment offers, written the same way
    others = re.findall(r'\b([A-Z]\w*Loss)\b', comment_of(code))
    assert others == ['LADELoss', 'BalancedSoftmaxLoss', 'LogitAdjustLoss',
                      'CrossEntropyLoss']
    for other in others:
        cfg = with_base(tmp_path, base,
                        f"model = dict(head=dict(loss=dict(type='{other}')))")
        assert cfg.model.head.loss.to_dict() == dict(type=other)
        assert type(MODELS.build(cfg.model.head.loss)).__name__ == other


def test_the_peft_swap_builds_each_tuner_without_the_old_ones_settings(tmp_path):
    base, code = line(PEFT_BASE), line(PEFT_SWAP)
    folder = osp.join('configs', 'teachers')  # where the README's `./` points
    tuners = re.findall(r'\b(AdaptFormer|Adapter|VPTShallow|VPTDeep|LoRA)\b',
                        comment_of(code))
    assert tuners == ['AdaptFormer', 'Adapter', 'VPTShallow', 'VPTDeep', 'LoRA']
    for tuner in tuners:
        cfg = config_beside(folder, base, code.replace("'LoRA'", f"'{tuner}'"))
        assert cfg.model.backbone.peft.to_dict() == dict(type=tuner)
        backbone = MODELS.build(tiny_backbone(peft=cfg.model.backbone.peft.to_dict(),
                                              num_classes=10))
        assert type(backbone.tuner).__name__ == tuner


def test_the_peft_library_swap_builds_lohas_of_rank_8(tmp_path):
    base, code = line(PEFT_BASE), line(PEFT_LIBRARY_SWAP)
    cfg = config_beside(osp.join('configs', 'teachers'), base, code)
    peft = cfg.model.backbone.peft.to_dict()
    assert peft == dict(type='PeftTuner', method='LOHA', config=dict(r=8))
    backbone = MODELS.build(tiny_backbone(peft=peft))
    assert backbone.tuner.description == 'PeftTuner(LOHA)'
    fc = backbone.visual.transformer.resblocks[0].mlp.c_fc
    assert fc.hada_w1_a['default'].shape == (fc.out_features, 8)


def test_the_normalisation_lines_normalise_the_student_and_not_the_teacher():
    """The README's normalisation change of a distillation config: the
    student sees (x - 127.5) / 127.5, the teacher its own statistics; the
    top-level line alone is refused."""
    lines = [line(code) for code in NORM_LINES]
    folder = osp.join('configs', 'distill', 'fashion_mnist_lt')
    cfg = config_beside(folder, *lines)
    model = MODELS.build(dict(cfg.model, teacher_ckpt=None,
                              data_preprocessor=cfg.data_preprocessor))
    pixels = torch.full((1, 1, 28, 28), 255.0)
    assert torch.allclose(model.student_view(pixels), torch.ones(1, 1, 28, 28))
    original = config_beside(folder, lines[0])
    teacher = MODELS.build(dict(original.model, teacher_ckpt=None,
                                data_preprocessor=original.data_preprocessor))
    assert torch.equal(model.teacher_view(pixels), teacher.teacher_view(pixels))
    alone = config_beside(folder, *lines[:2])
    with pytest.raises(ValueError, match=r'data_preprocessor.mean=\[72.94\] but the '
                       r"distiller's data_preprocessor.mean=\[127.5\]"):
        MODELS.build(dict(alone.model, teacher_ckpt=None,
                          data_preprocessor=alone.data_preprocessor))


def test_the_ratio_lines_build_every_split_at_ratio_10():
    """The README's ratio change: every split at ratio 10, which the split
    profile check accepts; the distillation form in its prose does the same for
    the pair dataset's training set."""
    from cckd_plugin.datasets.split_profiles import check_split_profiles
    lines = [line(code) for code in RATIO_LINES]
    folder = osp.join('configs', 'baselines')
    cfg = config_beside(folder, *lines)
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        assert cfg[loader].dataset.imbalance_ratio == 10, loader
    distill = config_beside(
        osp.join('configs', 'distill', 'fashion_mnist_lt'),
        "_base_ = ['./acckd_resnet8_offline-ft_fashion-mnist-lt.py']", lines[1],
        'train_dataloader = dict(dataset=dict(dataset=dict(**lt_profile)))',
        *lines[3:])
    assert 'train_dataloader = dict(dataset=dict(dataset=dict(**lt_profile)))' \
        in README
    assert distill.train_dataloader.dataset.dataset.imbalance_ratio == 10
    assert distill.val_dataloader.dataset.imbalance_ratio == 10
    for merged in (cfg, distill):
        check_split_profiles(merged)  # every split at the one profile


def test_the_cnn_teachers_peft_line_is_the_shipped_lora_teacher():
    """Over the head-only EfficientNet-Lite0 teacher, the README's line gives the
    shipped LoRA teacher and puts peft's LoRA (rank 8) on the CNN."""
    base, code = line(CNN_BASE), line(CNN_PEFT)
    folder = osp.join('configs', 'teachers', 'cifar10_lt')
    cfg = config_beside(folder, base, code)
    shipped = Config.fromfile(osp.join(ROOT, folder,
                                       'effnet-lite0_lora_la_cifar10-lt-n500.py'))
    assert cfg.model.to_dict() == shipped.model.to_dict()
    backbone = MODELS.build(dict(cfg.model.backbone.to_dict(), pretrained=None,
                                 input_size=32))
    assert backbone.tuner.description == 'PeftTuner(LORA)'
    ranks = {m.lora_A['default'].out_channels for m in backbone.modules()
             if hasattr(m, 'lora_A') and 'default' in m.lora_A}
    assert ranks == {8}


@pytest.mark.parametrize('tuner', ['VPTShallow', 'VPTDeep', 'LoRA', 'Adapter'])
def test_a_tuner_swap_over_a_config_with_a_width_drops_what_it_does_not_take(
        tuner, tmp_path):
    """The Fashion-MNIST AdaptFormer teacher sets ``bottleneck=8``: the VPTs take
    no width and build with their own settings; LoRA and Adapter keep it."""
    teacher = ('configs/teachers/fmnist_vit/'
               'fmnist-vit_adaptformer_la_fashion-mnist-lt.py')
    cfg = with_base(tmp_path, teacher, PEFT_SWAP.replace("'LoRA'", f"'{tuner}'"))
    assert cfg.model.backbone.peft.to_dict() == dict(type=tuner, bottleneck=8)
    backbone = MODELS.build(tiny_backbone(peft=cfg.model.backbone.peft.to_dict()))
    assert type(backbone.tuner).__name__ == tuner
    if tuner in ('LoRA', 'Adapter'):
        assert backbone.tuner.bottleneck == 8
    with pytest.raises(ValueError, match=r"backbone.peft: \w+ takes no "
                       r"\['botleneck'\] \(no tuner does\)"):
        MODELS.build(tiny_backbone(peft=dict(type=tuner, botleneck=8)))


def test_the_distiller_switches(tmp_path):
    teacher = line(TEACHER_SWAP)
    cfg = with_base(tmp_path, DISTILL, teacher)
    assert read_model_config(cfg.model.teacher, 'model.teacher')['head']['type'] == \
        'ZeroShotClsHead'
    assert cfg.model.teacher_ckpt is None

    loss = line(STUDENT_LOSS_SWAP)
    cfg = with_base(tmp_path, DISTILL, loss)
    student = student_config(cfg.model.to_dict())
    assert student['head']['loss'] == dict(type='CDTLoss', gamma=0.2)
    built = MODELS.build(student)
    assert type(built.head.loss_module).__name__ == 'CDTLoss'
    assert built.head.loss_module.gamma == 0.2

    for code, want in DISTILL_SWAPS.items():
        settings = resolve_distill(with_base(tmp_path, DISTILL,
                                             line(code)).model.distill.to_dict())
        for key, value in want.items():
            got = settings.terms[key] if key == 'fi_mix' else getattr(settings, key)
            assert got == value, (code, key)


def test_the_long_tail_menu_lines(tmp_path):
    """Each menu line over the CIFAR-100-LT CE baseline builds its component with
    the README's settings and nothing of what it replaced."""
    from helpers import LabelsOnly
    from mmengine.registry import DefaultScope
    from mmengine.runner import Runner

    from cckd_plugin.engine import prepare_cfg
    from cckd_plugin.engine.hooks import TauNormHook

    base = 'configs/baselines/ce_resnet32_cifar100-lt.py'
    for code, (kind, want) in MENU_LINES.items():
        cfg = prepare_cfg(with_base(tmp_path, base, line(code)))
        if kind == 'loss':
            loss = MODELS.build(cfg.model).head.loss_module
            assert type(loss).__name__ == want, code
            assert cfg.model.head.loss.keys() <= {'type', 'num_classes', 'beta'}
        elif kind == 'sampler':
            sampler = cfg.train_dataloader.sampler
            assert 'shuffle' not in sampler  # DefaultSampler's settings are gone
            with DefaultScope.overwrite_default_scope('mmpretrain'):
                built = Runner.build_dataloader(
                    dict(cfg.train_dataloader, dataset=LabelsOnly((5, 2, 1)),
                         num_workers=0,
                         persistent_workers=False), seed=0).sampler
            assert (built.power, built.progressive) == want, code
            if built.progressive:
                assert built.max_epochs == cfg.train_cfg.max_epochs == 200
        elif kind == 'hook':
            from mmpretrain.registry import HOOKS
            hook = HOOKS.build(cfg.default_hooks.tau_norm)
            assert isinstance(hook, TauNormHook) and hook.tau == want
        else:
            assert cfg.test_evaluator.type == 'ShotGroupAccuracy'
            assert cfg.test_evaluator.logit_adjust_tau == want
            assert cfg.test_evaluator.ece_bins == 15  # the base's settings kept


def test_every_readme_config_line_is_run():
    """A config line added to the README without a test here fails."""
    assert set(readme_python_lines()) == TESTED

"""The one sweep over every config leaf (``configs/`` and ``projects/*/configs/``,
parametrised from file names, so collecting it reads no config). Each leaf is read
once (``load``: cached for the session, and the other leaves a check consults come
from the same cache) and checked for all its properties in one test, as timm tests
each model of its registry:

- it loads, registers the plugin and its hooks, and builds its model with the
  class count its data has (CLIP towers shrunk, no teacher checkpoint read);
- its file name tells whether it distils;
- the paper's recipe where it has one (Appendix C, quoted next to each check), LA
  at tau = 1, the distillation hyper-parameters, the teacher checkpoint it reads,
  and that each distilled student is its row's baseline network (the ImageNet-LT
  rows to Table 4's parameter counts);
- the long-tail menu's resampling configs load their training data as the GPU
  runs will (synthetic CIFAR pickles and ImageNet-style list files).

The generated recipe table (docs/recipes.md) is checked here too, from the same
cache; the recipe checks that are not per leaf (the CIFAR schedule epoch by
epoch) are in ``test_paper_recipes.py``.
"""
import ast
import copy
import glob
import json
import os
import os.path as osp
import statistics
from functools import lru_cache

import numpy as np
import pytest
import torch
from helpers import (ROOT, load_config, load_script, shrink_clip_teacher, write_cifar,
                     write_list_dataset)
from mmengine.registry import DefaultScope, init_default_scope
from mmengine.runner import Runner
from mmpretrain.registry import MODELS

from cckd_plugin.datasets import ClassPowerSampler
from cckd_plugin.engine import prepare_cfg
from cckd_plugin.models.distillers.distill_settings import resolve_distill
from cckd_plugin.models.distillers.frozen_teacher import teacher_ckpt_of
from cckd_plugin.models.distillers.model_configs import (feature_dim, read_model_config,
                                                         spec_path, student_config,
                                                         teacher_feature_dim)

pytestmark = pytest.mark.sweep

RECIPE_TABLE = load_script('.dev_scripts/recipe_table.py')

LEAVES = sorted(
    osp.relpath(p, ROOT)
    for p in glob.glob(osp.join(ROOT, 'configs', '**', '*.py'), recursive=True) +
    glob.glob(osp.join(ROOT, 'projects', '*', 'configs', '*.py'))
    # the README test writes its temporary configs (_readme_*.py) beside these
    if '_base_' not in p.split(osp.sep) and not osp.basename(p).startswith('_'))


def load(path: str):
    """The config at ``path`` (from the repository root, or absolute), read once
    per session. Read-only: a check that changes it works on a copy."""
    return load_config(osp.join(ROOT, path))


def is_distill(cfg) -> bool:
    return cfg.model.get('type') == 'ClassConditionalDistiller'


FAMILIES = {  # file-name marker -> family
    'cifar100-lt': 'cifar100', 'imagenet-lt': 'imagenet', 'inat2018': 'inat',
    'fashion-mnist-lt': 'fmnist'}
#: decoupled training's stage 2 (cRT, LWS): a classifier re-trained from a
#: stage-1 checkpoint for 10 epochs (Kang et al. 2020), not the paper's recipe;
#: under distill/ it starts from an exported distilled student
STAGE2 = ('crt_', 'lws_')
#: the long-tail menu: the student's own loss is the method's (not LA)
MENU = osp.sep + 'long_tail_methods' + osp.sep
#: Table 6's students, whose L_sup is not LA
OTHER_SUP = ('cdt', 'lade', 'bs')
#: each baseline's loss, from its file name
LOSSES = {'ce': 'CrossEntropyLoss', 'la': 'LogitAdjustLoss', 'cdt': 'CDTLoss',
          'lade': 'LADELoss', 'teacher': 'CrossEntropyLoss', 'ldam-drw': 'LDAMLoss',
          'bs': 'BalancedSoftmaxLoss', 'seesaw': 'SeesawLoss',
          # CE on resampled data
          'repeat-factor': 'CrossEntropyLoss',
          'class-aware-sampling': 'CrossEntropyLoss',
          'progressive-sampling': 'CrossEntropyLoss',
          # stage 2 of CE (re-trained head, re-scaled head) and its test-time changes
          'crt': 'CrossEntropyLoss', 'lws': 'CrossEntropyLoss',
          'tau-norm': 'CrossEntropyLoss', 'posthoc-la': 'CrossEntropyLoss'}
#: the long-tail menu's resampling methods (alone and under ACCKD)
RESAMPLING = ('repeat-factor', 'class-aware-sampling', 'progressive-sampling')


def family(path: str) -> str:
    name = osp.basename(path)
    for marker, fam in FAMILIES.items():
        if marker in name:
            return fam
    return 'other'


def stage2(path: str) -> bool:
    return osp.basename(path).startswith(STAGE2)


def is_teacher(path: str) -> bool:
    return osp.sep + 'teachers' + osp.sep in path


def named_distill(path: str) -> bool:
    """Whether the path names a distillation config (from the name alone;
    ``check_file_name`` holds it against the config)."""
    return (osp.sep + 'distill' + osp.sep in path and not stage2(path)) or \
        osp.basename(path).startswith(('acckd_', 'cckd_', 'kd_', 'wkd_', 'dive_'))


def resampling(path: str) -> bool:
    name = osp.basename(path)
    return family(path) in ('cifar100', 'imagenet') and \
        any(f'{r}_' in name for r in RESAMPLING)


def student_of(cfg) -> dict:
    if not is_distill(cfg):
        return cfg.model.to_dict()
    return read_model_config(cfg.model.student.to_dict(), 'model.student')


def trained_network(cfg) -> dict:
    """The classifier a config trains: a distiller's student as the distiller
    builds it (with any align layer it adds), else the model."""
    if not is_distill(cfg):
        return cfg.model.to_dict()
    return student_config(cfg.model.to_dict())


def strip(model: dict) -> dict:
    """A classifier config without its loss and registry scope: the network."""
    model = {
        k: v
        for k, v in model.items() if k not in ('_scope_', 'data_preprocessor')
    }
    model['head'] = {k: v for k, v in model['head'].items() if k != 'loss'}
    return model


def base_files(path: str) -> list:
    """The files ``path``'s ``_base_`` names (absolute; MMPretrain's own,
    ``mmpretrain::...``, as they are)."""
    with open(path) as f:
        tree = ast.parse(f.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and \
                any(getattr(t, 'id', None) == '_base_' for t in node.targets):
            bases = ast.literal_eval(node.value)
            bases = [bases] if isinstance(bases, str) else bases
            return [b if b.startswith('mmpretrain::') else
                    osp.normpath(osp.join(osp.dirname(path), b)) for b in bases]
    return []


def base_levels(path: str) -> int:
    """How many ``_base_`` levels lie under ``path`` (0: it has no base)."""
    return max([0] + [1 + (0 if b.startswith('mmpretrain::') else base_levels(b))
                      for b in base_files(path)])


# -- the set of leaves ----------------------------------------------------------------
def test_the_leaves_are_every_config_file():
    """The sweep's glob finds exactly the config files a walk of every
    ``configs`` folder finds outside ``_base_`` (a moved folder or a glob that
    stops recursing shows here)."""
    folders = [osp.join(ROOT, 'configs')] + glob.glob(osp.join(ROOT, 'projects', '*',
                                                               'configs'))
    files = sorted(
        osp.relpath(osp.join(where, name), ROOT)
        for folder in folders for where, _, names in os.walk(folder)
        for name in names if name.endswith('.py') and not name.startswith('_')
        and '_base_' not in osp.relpath(where, ROOT).split(osp.sep))
    assert len(files) > 300 and LEAVES == files


def test_every_family_has_configs():
    counts = {}
    for path in LEAVES:
        if not is_teacher(path):
            counts[family(path)] = counts.get(family(path), 0) + 1
    assert counts['cifar100'] >= 17 and counts['imagenet'] >= 100 and counts[
        'inat'] >= 17
    assert counts['fmnist'] >= 25


def test_every_dataset_has_the_three_resampling_methods_alone_and_under_acckd():
    menu = [p for p in LEAVES if resampling(p)]
    assert sorted(osp.basename(p).split('_')[0] for p in menu) == sorted(
        [r for r in RESAMPLING] * 2 + ['acckd'] * 6)


def test_no_leaf_is_more_than_three_base_levels_deep():
    """A leaf reads like MMPretrain's repvgg family: a row's first config lists
    its bases, the row's other configs inherit it (three levels at most), and a
    leaf pulls in a handful of files."""
    levels = {p: base_levels(osp.join(ROOT, p)) for p in LEAVES}
    assert max(levels.values()) <= 3, [p for p, n in levels.items() if n > 3]

    def files(path):
        return {path}.union(*[files(b) for b in base_files(path)
                              if not b.startswith('mmpretrain::')])
    assert statistics.median(len(files(osp.join(ROOT, p))) for p in LEAVES) <= 7


def test_every_base_file_is_used():
    used = set()
    for where in LEAVES + glob.glob(osp.join(ROOT, 'configs', '_base_', '**', '*.py'),
                                    recursive=True):
        used.update(base_files(osp.join(ROOT, where)))
    bases = set(glob.glob(osp.join(ROOT, 'configs', '_base_', '**', '*.py'),
                          recursive=True))
    assert bases - used == set()


# -- the model builds -----------------------------------------------------------------
@lru_cache(maxsize=None)
def _shrunk_teacher(path: str) -> dict:
    return shrink_clip_teacher(load(path).model.to_dict())


def shrunk_teacher(cfg) -> dict:
    """``cfg``'s teacher model with its CLIP tower made tiny; the real teacher
    checkpoints are trained, not shipped."""
    teacher = cfg.model.teacher
    if isinstance(teacher, str):
        return copy.deepcopy(_shrunk_teacher(teacher))
    return teacher.to_dict()


def check_distiller_builds(cfg, path: str) -> None:
    name = osp.basename(path)
    teacher = shrunk_teacher(cfg)
    model = MODELS.build(dict(cfg.model.to_dict(), teacher=copy.deepcopy(teacher),
                              teacher_ckpt=None,
                              data_preprocessor=cfg.data_preprocessor))
    assert model.method == cfg.model.distill.get('method', 'acckd')
    fi = model.terms['fi'] or model.terms['fi_mix']
    neck = getattr(model.student, 'neck', None)
    encoder_align = isinstance(neck, torch.nn.Sequential) \
        and type(model.student.neck[-1]).__name__ == 'LinearNeck'
    # a layer only where the (here shrunk) teacher's feature size differs from the
    # student's; the real teachers' sizes: check_student_network
    differ = fi and feature_dim(read_model_config(cfg.model.student, 's')) != \
        teacher_feature_dim(teacher)
    layer = differ or (fi and cfg.model.distill.get('always_align', False))
    if osp.sep + 'toy' + osp.sep in path:  # its network ends in its own 2-D layer
        assert model.align is None and not layer
    elif cfg.model.distill.get('align') == 'branch':
        assert not encoder_align and (model.align is not None) == layer
    else:
        assert encoder_align == layer and model.align is None
    if 'cifar100' in name or ('cifar10-lt' in name and not name.startswith('row')):
        assert not fi  # Appendix C: no feature imitation on CIFAR-100 (and CIFAR-10)
    elif model.method == 'acckd' and not name.startswith(('row', 'fig9')):
        assert fi and all(model.terms.values())
    assert model.student.head.num_classes == cfg.data_preprocessor['num_classes']
    assert cfg.train_dataloader.dataset.type == 'ClassBalancedPairDataset'
    if osp.sep + 'toy' + osp.sep in path:  # Figure 1: the 2-D network, three classes
        assert model.student.head.num_classes == model.teacher.head.num_classes == 3
        assert model.student.neck[-1].fc.out_features == 2  # the drawn feature plane
        assert model.method == name.split('_')[0]


def check_classifier_builds(cfg, path: str) -> None:
    name = osp.basename(path)
    model_cfg = cfg.model.to_dict()
    if model_cfg.get('type') != 'ImageClassifier':  # the tower's pre-training
        MODELS.build(model_cfg)
        return
    if model_cfg['backbone']['type'] == 'TIMMBackbone':  # converted weights: not here
        model_cfg['backbone'].pop('checkpoint_path', None)
    model = MODELS.build(shrink_clip_teacher(model_cfg))
    assert model.head.num_classes == cfg.data_preprocessor['num_classes']
    if osp.sep + 'baselines' + osp.sep in path:
        assert cfg.model.head.loss['type'] == LOSSES[name.split('_')[0]]
    peft = (cfg.model.backbone.get('peft') or {}).get('type')
    if peft and is_teacher(path) and 'clip-vitb16' in name:
        expected = {'adaptformer': 'AdaptFormer', 'adapter': 'Adapter',
                    'vpt-shallow': 'VPTShallow', 'vpt-deep': 'VPTDeep', 'lora': 'LoRA'}
        assert peft == expected[name.split('_')[1]]
        assert cfg.model.head.loss.type == 'LogitAdjustLoss'
        assert cfg.optim_wrapper.optimizer.lr == 0.01
        assert cfg.train_cfg.max_epochs == (20 if 'inat2018' in path else 10)


# -- Appendix C, paragraph 1 (CIFAR-100-LT) -------------------------------------------
# "for the CIFAR-100-LT dataset, we use ResNet-32 as the backbone network. We set the
# batch size to 128 and train for 200 epochs, using SGD as the optimizer. The initial
# learning rate of the optimizer is set to 0.1, with a momentum of 0.9 and a weight
# decay of 5 x 10^-4. During the 200 epochs of training, the learning rate of SGD
# decays by 0.01 at the 160th and 180th epochs. In the ACCKD experiments on CIFAR-100,
# ... the feature align layer and feature imitation loss were not used."
def check_cifar100_lt_recipe(cfg, path: str) -> None:
    student = student_of(cfg)
    assert (student['backbone']['type'],
            student['backbone']['depth']) == ('CifarResNet', 32)
    assert cfg.train_dataloader.batch_size == 128
    assert cfg.train_cfg.max_epochs == 200
    opt = cfg.optim_wrapper.optimizer
    assert (opt.type, opt.lr, opt.momentum, opt.weight_decay) == ('SGD', 0.1, 0.9, 5e-4)
    multistep = [s for s in cfg.param_scheduler if s['type'] == 'MultiStepLR']
    assert len(multistep) == 1
    assert list(multistep[0]['milestones']) == [160, 180
                                                ] and multistep[0]['gamma'] == 0.01
    if is_distill(cfg):
        assert not resolve_distill(cfg.model.distill).feature_imitation


# -- Appendix C, paragraph 2 (ImageNet-LT, iNaturalist 2018) ---------------------------
# "For ImageNet-LT and iNaturalist 2018, we use ResNet-18 as the backbone network. The
# batch size is set to 256, and the models are trained for 200 and 90 epochs,
# respectively. The optimizer is SGD, with an initial learning rate of 0.2, momentum
# parameter of 0.9, and weight decay coefficient of 5 x 10^-4. The learning rate is
# decayed using a cosine annealing schedule during the training process. In the
# fine-tuning of the teacher model as well as in the student model, we use the cosine
# classifier." (ResNet-10/34/50 are Table 4's students.)
def check_imagenet_lt_and_inat_recipe(cfg, path: str) -> None:
    student = student_of(cfg)
    assert student['backbone']['depth'] in (10, 18, 34, 50)
    assert student['head']['type'] == 'CosineClsHead'
    assert cfg.train_dataloader.batch_size == 256
    assert cfg.train_cfg.max_epochs == (200 if family(path) == 'imagenet' else 90)
    opt = cfg.optim_wrapper.optimizer
    assert (opt.type, opt.lr, opt.momentum, opt.weight_decay) == ('SGD', 0.2, 0.9, 5e-4)
    assert [s['type'] for s in cfg.param_scheduler] == ['CosineAnnealingLR']
    assert cfg.param_scheduler[0]['end'] == cfg.train_cfg.max_epochs


def check_clip_teacher_head(cfg, path: str) -> None:
    """Appendix C (quoted above) and LIFT's recipe: cosine head, LA loss, text init."""
    head = cfg.model.head
    assert head.type == 'CosineClsHead' and head.loss.type == 'LogitAdjustLoss'
    assert head.init_from == 'text'


# -- Appendix C, paragraph 3 (hyper-parameters) ------------------------------------
# "we set the balancing parameters for the loss terms, alpha1 and alpha2, to 1 and 2,
# respectively. The temperature parameter for distillation, tau, is set to 2. When
# constructing synthetic data, the parameters for the beta distribution are set to 0.5.
# For comparative methods, the distillation temperature parameter tau is set to 1. In
# the DiVE, an additional temperature parameter of 0.5 is applied to the teacher model."
def check_distillation_hyper_parameters(cfg, path: str) -> None:
    settings = resolve_distill(cfg.model.distill)
    name = osp.basename(path)
    if name.startswith('fig8-tau'):  # Figure 8 varies tau on purpose
        assert settings.tau == float(name[len('fig8-tau'):].split('_')[0])
    elif settings.method in ('cckd', 'acckd'):
        assert settings.tau == 2.0
    else:
        assert settings.tau == 1.0, 'comparison methods distil at tau = 1'
    assert (settings.alpha1, settings.alpha2) == (1.0, 2.0)
    assert settings.dive == {
    }  # DiVE's teacher flattening: DiVELoss's default power 0.5
    mix = cfg.model.get('mix', dict(alpha=0.5, mixup_prob=0.5))
    assert (mix['alpha'], mix['mixup_prob']) == (0.5, 0.5)


def check_teacher_checkpoint(cfg, path: str) -> None:
    """No config types a teacher checkpoint path: a trained teacher's is the last
    checkpoint tools/train.py writes for the config that trains it; a zero-shot
    or NCM teacher over CLIP's tower or the ImageNet CNN (its weights ship in a
    package) needs none."""
    with open(osp.join(ROOT, path)) as f:
        assert 'work_dirs/' not in f.read()
    spec = cfg.model.get('teacher_ckpt', 'auto')
    ckpt = teacher_ckpt_of(cfg.model)
    teacher = read_model_config(cfg.model.teacher, 'model.teacher')
    trainer = spec['trained_by'] if isinstance(spec, dict) else cfg.model.teacher
    if ckpt is None:
        assert teacher['head']['type'] in ('ZeroShotClsHead', 'NCMClsHead',
                                           'ClassMapClsHead')
        assert teacher['backbone']['type'] in ('CLIPVisionBackbone', 'TimmCNNBackbone')
    else:
        epochs = load(trainer).train_cfg.max_epochs
        stem = osp.splitext(osp.basename(trainer))[0]
        assert ckpt == osp.join('work_dirs', stem, f'epoch_{epochs}.pth')


# -- one student network per table row ------------------------------------------------
def check_student_network(cfg, path: str) -> None:
    """Every distilled student is declared by a baseline config, and the CE and LA
    baselines of its row are that network: LA -> method gains mix in no head change."""
    # named by its file alone (dict(config=path)), nothing changed inside it
    assert set(cfg.model.student) == {'config'}, cfg.model.student
    student = spec_path(cfg.model.student.to_dict())
    # Figure 1's toy students are its own LA network; every other row's a baseline
    folder = 'toy' if osp.sep + 'toy' + osp.sep in path else 'baselines'
    assert osp.dirname(student) == osp.join(ROOT, 'configs', folder), student
    loss, rest = osp.basename(student).split('_', 1)
    # LA, Table 6's CDT and LADE (and balanced softmax on CIFAR-10-LT); the
    # menu's students take the method's loss
    assert loss in (('la', 'cdt', 'lade') + (
        ('ce', 'bs', 'ldam-drw', 'seesaw') if MENU in path else ()) + (
        ('bs', ) if 'cifar10-lt' in path else ()))
    student_cfg = read_model_config(student, 'model.student')
    # the distiller normalises the student as its baseline does
    assert cfg.data_preprocessor.to_dict() == student_cfg['data_preprocessor']
    # and trains that network: its feature has the teacher's size already, so
    # the distiller adds no align layer (Section 3.4)
    network = strip(trained_network(cfg))
    if cfg.model.distill.get('always_align') and \
            cfg.model.distill.get('align', 'encoder') == 'encoder':
        # the ablation that keeps a square layer in the encoder on purpose: the
        # baseline's network with one LinearNeck after its neck, nothing else
        necks = network.pop('neck')
        assert [n['type'] for n in necks] == ['GlobalAveragePooling', 'LinearNeck']
        assert necks[-1]['in_channels'] == necks[-1]['out_channels'] == 64
        network['neck'] = necks[0]
    assert network == strip(student_cfg)
    if loss == 'ldam-drw' and student_cfg['head']['type'] != \
            load(osp.join('configs', folder, f'la_{rest}')).model.head.type:
        return  # LDAM's margins need a cosine head where the row's LA one is linear
    for other in ('la', 'ce') if folder == 'baselines' else ('la', ):
        baseline = load(osp.join('configs', folder, f'{other}_{rest}'))
        assert strip(baseline.model.to_dict()) == network, other


@lru_cache(maxsize=None)
def parameter_count(network_json: str) -> int:
    init_default_scope('mmpretrain')
    model = MODELS.build(json.loads(network_json))
    # the neck's normalisation is a fixed affine map at inference, folded into the
    # linear layer before it: the deployed network has none of its parameters
    norm = getattr(getattr(model, 'neck', None), 'norm', None)
    folded = sum(p.numel() for p in norm.parameters()) if norm is not None else 0
    return sum(p.numel() for p in model.parameters()) - folded


def parameters_of(cfg) -> float:
    """Millions of parameters of the classifier a config trains, as deployed."""
    network = {k: v for k, v in trained_network(cfg).items()
               if k != 'data_preprocessor'}
    return parameter_count(json.dumps(network, sort_keys=True)) / 1e6


# Table 4: "Resnet-10 6.07M, Resnet-18 12.3M, Resnet-34 22.4M, Resnet-50 25.8M";
# Table 1 gives 12.3M for every ImageNet-LT row (Student (CE), Student (LA), KD, WKD,
# DiVE, CCKD, ACCKD under each teacher): backbone + d -> 768 linear layer + a
# 1,000-class cosine classifier on the 768-d feature.
TABLE_PARAMETERS = {10: 6.07, 18: 12.3, 34: 22.4, 50: 25.8}


def check_parameter_count(cfg, path: str) -> None:
    """The parameter count of what each ImageNet-LT row trains (baselines and
    every distilled student, any teacher) is the paper's, to 0.05 M; each
    iNaturalist 2018 row trains its LA baseline's network (the paper gives no
    count there)."""
    depth = trained_network(cfg)['backbone']['depth']
    count = parameters_of(cfg)
    if family(path) == 'imagenet':
        assert count == pytest.approx(TABLE_PARAMETERS[depth], abs=0.05)
    else:
        baseline = load(
            osp.join('configs', 'baselines', f'la_resnet{depth}_inat2018.py'))
        assert count == parameters_of(baseline)


def la_at_tau_one(path: str) -> bool:
    """The configs whose student (or teacher) is an LA one: the LA baselines,
    the students named by them and the LIFT teachers."""
    name = osp.basename(path)
    return path.startswith('configs' + osp.sep) and (
        name.startswith(('la_', 'clip-vitb16_adaptformer', 'fmnist-vit_adaptformer'))
        or (named_distill(path) and MENU not in path
            and not any(f'-{loss}_' in name for loss in OTHER_SUP)))


def check_la_at_tau_one(cfg, path: str) -> None:
    """LA (Menon et al. 2021) at tau = 1: LogitAdjustLoss's default, so the
    configs leave it out and a swapped loss inherits no argument of it."""
    if is_distill(cfg):  # every student but Table 6's CDT / LADE ones is an LA one
        assert osp.basename(spec_path(cfg.model.student.to_dict())).startswith('la_')
    loss = trained_network(cfg)['head']['loss']
    assert loss['type'] == 'LogitAdjustLoss', loss
    assert MODELS.build(loss).tau == 1.0


# -- the long-tail menu's training data ---------------------------------------------
@pytest.fixture(scope='module')
def menu_data(tmp_path_factory):
    """Synthetic CIFAR-100 pickles and ImageNet-LT list files for the menu's
    resampling configs."""
    cifar = write_cifar(str(tmp_path_factory.mktemp('c100')), 100, 6, 1)
    imagenet = str(tmp_path_factory.mktemp('imagenet_lt'))
    labels = [c for c, n in enumerate([12, 6, 3, 2, 1]) for _ in range(n)]
    write_list_dataset(imagenet, 'ImageNet_LT_train.txt', labels, size=40)
    return dict(cifar=cifar, imagenet=imagenet)


def innermost(dataset: dict) -> dict:
    while 'dataset' in dataset:
        dataset = dataset['dataset']
    return dataset


def check_training_data_loads(cfg, path: str, roots: dict) -> None:
    """The sampler, the repeat-factor wrapper and the pairs are the ones the
    config names, a progressive sampler ends with the run, a batch comes out."""
    cfg = copy.deepcopy(cfg)
    data = innermost(cfg.train_dataloader.dataset)
    if 'cifar100' in path:
        data.update(data_root=roots['cifar'], n_max=6, imbalance_ratio=6,
                    ldam_subset=False, verify_md5=False, download=False)
    else:
        data.update(data_root=roots['imagenet'])
    cfg.train_dataloader.update(batch_size=4, num_workers=0)
    cfg = prepare_cfg(cfg)
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        loader = Runner.build_dataloader(cfg.train_dataloader, seed=0)
    name = osp.basename(path)
    outer = type(loader.dataset).__name__
    assert outer == ('ClassBalancedPairDataset' if name.startswith('acckd')
                     else 'ClassBalancedDataset' if 'repeat-factor' in name
                     else 'CIFAR100LT' if 'cifar100' in path else 'ImageNetLT')
    if 'repeat-factor' in name:
        wrapper = loader.dataset.dataset if name.startswith('acckd') else loader.dataset
        assert type(wrapper).__name__ == 'ClassBalancedDataset'
        assert wrapper.oversample_thr == 0.001
        # every image repeated ceil(max(1, sqrt(t / f_c))) times, f_c its class share
        labels = np.asarray(wrapper.dataset.get_gt_labels())
        share = np.bincount(labels)[labels] / len(labels)
        repeats = np.ceil(np.maximum(1.0, np.sqrt(0.001 / share)))
        assert len(wrapper) == int(repeats.sum())
    else:
        sampler = loader.sampler
        assert isinstance(sampler, ClassPowerSampler) and sampler.power == 0.0
        assert sampler.progressive == ('progressive' in name)
        if sampler.progressive:
            assert sampler.max_epochs == cfg.train_cfg.max_epochs == 200
    batch = next(iter(loader))
    size = 32 if 'cifar100' in path else 224
    assert tuple(batch['inputs'][0].shape) == (3, size, size)
    labels = np.array([int(s.gt_label) for s in batch['data_samples']])
    assert len(labels) == 4 and labels.max() < (100 if 'cifar100' in path else 1000)


# -- the sweep ------------------------------------------------------------------------
@pytest.fixture(scope='module', autouse=True)
def model_files_read_once():
    """The student and teacher files the distiller and the checks read, each read
    once for the sweep (no file changes during it): the distiller's own reader
    behind a cache keyed by the path, a copy handed out each time."""
    from cckd_plugin.models.distillers import model_configs
    read = lru_cache(maxsize=None)(model_configs._read_file)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(model_configs, '_read_file',
                      lambda path, key: copy.deepcopy(read(osp.normpath(path), key)))
        yield


@pytest.mark.parametrize('path', LEAVES)
def test_leaf(path, menu_data):
    cfg = load(path)
    distill = is_distill(cfg)
    assert 'cckd_plugin' in cfg.custom_imports['imports']
    assert cfg.default_hooks.prepare_model == dict(type='PrepareModelHook')
    if cfg.model.get('type') in ('ImageClassifier', 'ClassConditionalDistiller'):
        assert any(h['type'] == 'ClassCountsHook' for h in cfg.custom_hooks)
        assert cfg.val_evaluator['type'] == 'ShotGroupAccuracy'
    if path.startswith('configs' + osp.sep):
        # the recipe table's file-name rule (.dev_scripts/recipe_table.py)
        assert named_distill(path) == distill
    if distill:
        check_distiller_builds(cfg, path)
        if not is_teacher(path):
            check_distillation_hyper_parameters(cfg, path)
            check_teacher_checkpoint(cfg, path)
            check_student_network(cfg, path)
    else:
        check_classifier_builds(cfg, path)
    if family(path) == 'cifar100' and not is_teacher(path) and not stage2(path):
        check_cifar100_lt_recipe(cfg, path)
    if family(path) in ('imagenet', 'inat') and not is_teacher(path):
        check_parameter_count(cfg, path)
        if not stage2(path):
            check_imagenet_lt_and_inat_recipe(cfg, path)
    if is_teacher(path) and 'clip-vitb16' in path and '_la_' in path:
        check_clip_teacher_head(cfg, path)
    if la_at_tau_one(path):
        check_la_at_tau_one(cfg, path)
    if resampling(path):
        check_training_data_loads(cfg, path, menu_data)


def test_recipe_table_is_current():
    """docs/recipes.md is what .dev_scripts/recipe_table.py writes today (after
    the sweep in this file, so each config comes from the session's cache)."""
    with open(RECIPE_TABLE.OUT) as f:
        committed = f.read()
    rows = [RECIPE_TABLE.recipe(p, load(p)) for p in RECIPE_TABLE.config_paths()]
    assert committed == RECIPE_TABLE.render(rows), \
        'docs/recipes.md is stale: run python .dev_scripts/recipe_table.py'

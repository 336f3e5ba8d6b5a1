"""The paper's recipes (Appendix C) held against every shipped config, and the
generated recipe table kept current."""
import os.path as osp
import warnings
from functools import lru_cache

import pytest
import torch
from helpers import ROOT, load_script
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import PARAM_SCHEDULERS

from cckd_plugin.models.distillers.distill_settings import resolve_distill
from cckd_plugin.models.distillers.model_configs import (read_model_config, spec_path,
                                                         student_config)

RECIPE_TABLE = load_script('.dev_scripts/recipe_table.py')

# a sweep over every config (or mistake): `make test-fast` leaves it out
pytestmark = pytest.mark.sweep

CONFIGS = RECIPE_TABLE.config_paths()
FAMILIES = {  # folder or file-name marker -> family
    'cifar100-lt': 'cifar100', 'imagenet-lt': 'imagenet', 'inat2018': 'inat',
    'fashion-mnist-lt': 'fmnist'}


def family(path: str) -> str:
    name = osp.basename(path)
    for marker, fam in FAMILIES.items():
        if marker in name:
            return fam
    return 'other'


@lru_cache(maxsize=None)
def load(path):
    return Config.fromfile(path)  # read-only here


def is_distill(cfg) -> bool:
    return cfg.model.get('type') == 'ClassConditionalDistiller'


#: decoupled training's stage 2 (cRT, LWS): a classifier re-trained from a
#: stage-1 checkpoint for 10 epochs (Kang et al. 2020), not the paper's recipe;
#: under distill/ it starts from an exported distilled student
STAGE2 = ('crt_', 'lws_')
#: the long-tail menu: the student's own loss is the method's (not LA)
MENU = osp.sep + 'long_tail_methods' + osp.sep


def stage2(path: str) -> bool:
    return osp.basename(path).startswith(STAGE2)


def named_distill(path: str) -> bool:
    """Whether the path names a distillation config (no config is read: the
    sweeps below are parametrised from file names alone, so collecting them
    costs nothing; ``test_file_names_tell_distillation_configs`` holds it)."""
    return (osp.sep + 'distill' + osp.sep in path and not stage2(path)) or \
        osp.basename(path).startswith(('acckd_', 'cckd_', 'kd_', 'wkd_', 'dive_'))


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


STUDENT_CONFIGS = [p for p in CONFIGS if osp.sep + 'teachers' + osp.sep not in p]
DISTILL_CONFIGS = [p for p in STUDENT_CONFIGS if named_distill(p)]


@pytest.mark.parametrize('path', CONFIGS, ids=osp.basename)
def test_file_names_tell_distillation_configs(path):
    assert named_distill(path) == is_distill(load(path))


def test_every_family_has_configs():
    counts = {}
    for path in STUDENT_CONFIGS:
        counts[family(path)] = counts.get(family(path), 0) + 1
    assert counts['cifar100'] >= 17 and counts['imagenet'] >= 100 and counts[
        'inat'] >= 17
    assert counts['fmnist'] >= 25


# -- Appendix C, paragraph 1 (CIFAR-100-LT) -------------------------------------------
# "for the CIFAR-100-LT dataset, we use ResNet-32 as the backbone network. We set the
# batch size to 128 and train for 200 epochs, using SGD as the optimizer. The initial
# learning rate of the optimizer is set to 0.1, with a momentum of 0.9 and a weight
# decay of 5 x 10^-4. During the 200 epochs of training, the learning rate of SGD
# decays by 0.01 at the 160th and 180th epochs. In the ACCKD experiments on CIFAR-100,
# ... the feature align layer and feature imitation loss were not used."
@pytest.mark.parametrize(
    'path', [p for p in STUDENT_CONFIGS if family(p) == 'cifar100' and not stage2(p)],
    ids=osp.basename)
def test_cifar100_lt_recipe(path):
    cfg = load(path)
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


def ldam_learning_rate(epoch: int, base_lr: float = 0.1) -> float:
    """Cao et al.'s adjust_learning_rate (LDAM-DRW, cifar_train.py), epoch from 0."""
    epoch = epoch + 1
    if epoch <= 5:
        return base_lr * epoch / 5
    if epoch > 180:
        return base_lr * 0.0001
    if epoch > 160:
        return base_lr * 0.01
    return base_lr


def test_cifar_schedule_is_ldam_drw_epoch_by_epoch():
    """The rate of every one of the 200 epochs, as mmengine's schedulers give it,
    equals LDAM-DRW's (the paper follows Cao et al.)."""
    cfg = load(osp.join(ROOT, 'configs', 'baselines', 'la_resnet32_cifar100-lt.py'))
    model = torch.nn.Linear(2, 2)
    wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    schedulers = [PARAM_SCHEDULERS.build(dict(s, optimizer=wrapper)) for s in
                  cfg.param_scheduler]
    assert not any(s.get('convert_to_iter_based') for s in cfg.param_scheduler)
    for epoch in range(200):
        lr = wrapper.optimizer.param_groups[0]['lr']
        assert lr == pytest.approx(ldam_learning_rate(epoch), rel=1e-6), epoch
        with warnings.catch_warnings():  # no optimiser step here: only the rates matter
            warnings.simplefilter('ignore')
            for scheduler in schedulers:
                scheduler.step()


# -- Appendix C, paragraph 2 (ImageNet-LT, iNaturalist 2018) ---------------------------
# "For ImageNet-LT and iNaturalist 2018, we use ResNet-18 as the backbone network. The
# batch size is set to 256, and the models are trained for 200 and 90 epochs,
# respectively. The optimizer is SGD, with an initial learning rate of 0.2, momentum
# parameter of 0.9, and weight decay coefficient of 5 x 10^-4. The learning rate is
# decayed using a cosine annealing schedule during the training process. In the
# fine-tuning of the teacher model as well as in the student model, we use the cosine
# classifier." (ResNet-10/34/50 are Table 4's students.)
@pytest.mark.parametrize(
    'path', [p for p in STUDENT_CONFIGS if family(p) in ('imagenet', 'inat')
             and not stage2(p)], ids=osp.basename)
def test_imagenet_lt_and_inat_recipe(path):
    cfg = load(path)
    student = student_of(cfg)
    assert student['backbone']['depth'] in (10, 18, 34, 50)
    assert student['head']['type'] == 'CosineClsHead'
    assert cfg.train_dataloader.batch_size == 256
    assert cfg.train_cfg.max_epochs == (200 if family(path) == 'imagenet' else 90)
    opt = cfg.optim_wrapper.optimizer
    assert (opt.type, opt.lr, opt.momentum, opt.weight_decay) == ('SGD', 0.2, 0.9, 5e-4)
    assert [s['type'] for s in cfg.param_scheduler] == ['CosineAnnealingLR']
    assert cfg.param_scheduler[0]['end'] == cfg.train_cfg.max_epochs


@pytest.mark.parametrize(
    'path', [
        p for p in CONFIGS
        if osp.sep + 'teachers' + osp.sep in p and 'clip-vitb16' in p and '_la_' in p
    ],
    ids=osp.basename)
def test_fine_tuned_clip_teachers_use_a_cosine_classifier(path):
    """Appendix C (quoted above) and LIFT's recipe: cosine head, LA loss, text init."""
    head = load(path).model.head
    assert head.type == 'CosineClsHead' and head.loss.type == 'LogitAdjustLoss'
    assert head.init_from == 'text'


# -- Appendix C, paragraph 3 (hyper-parameters) ------------------------------------
# "we set the balancing parameters for the loss terms, alpha1 and alpha2, to 1 and 2,
# respectively. The temperature parameter for distillation, tau, is set to 2. When
# constructing synthetic data, the parameters for the beta distribution are set to 0.5.
# For comparative methods, the distillation temperature parameter tau is set to 1. In
# the DiVE, an additional temperature parameter of 0.5 is applied to the teacher model."
@pytest.mark.parametrize('path', DISTILL_CONFIGS, ids=osp.basename)
def test_distillation_hyper_parameters(path):
    cfg = load(path)
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


@pytest.mark.parametrize('path', DISTILL_CONFIGS, ids=osp.basename)
def test_the_teacher_checkpoint_is_the_teacher_runs_last(path):
    """No config types a teacher checkpoint path: a trained teacher's is the last
    checkpoint tools/train.py writes for the config that trains it; a zero-shot
    or NCM teacher over CLIP's tower or the ImageNet CNN (its weights ship in a
    package) needs none."""
    from cckd_plugin.models.distillers.frozen_teacher import teacher_ckpt_of
    with open(path) as f:
        assert 'work_dirs/' not in f.read()
    cfg = load(path)
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


def test_dive_flattens_the_teacher_with_power_half():
    from mmpretrain.registry import MODELS
    assert MODELS.build(dict(type='DiVELoss')).power == 0.5


# -- one student network per table row ------------------------------------------------
@pytest.mark.parametrize('path', DISTILL_CONFIGS, ids=osp.basename)
def test_student_is_the_baseline_network(path):
    """Every distilled student is declared by a baseline config, and the CE and LA
    baselines of its row are that network: LA -> method gains mix in no head change."""
    cfg = load(path)
    # named by its file alone (dict(config=path)), nothing changed inside it
    assert set(cfg.model.student) == {'config'}, cfg.model.student
    student = spec_path(cfg.model.student.to_dict())
    # Figure 1's toy students are its own LA network; every other row's a baseline
    family = 'toy' if osp.sep + 'toy' + osp.sep in path else 'baselines'
    assert osp.dirname(student) == osp.join(ROOT, 'configs', family), student
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
            load(osp.join(ROOT, 'configs', family, f'la_{rest}')).model.head.type:
        return  # LDAM's margins need a cosine head where the row's LA one is linear
    for other in ('la', 'ce') if family == 'baselines' else ('la', ):
        baseline = load(osp.join(ROOT, 'configs', family, f'{other}_{rest}'))
        assert strip(baseline.model.to_dict()) == network, other


@lru_cache(maxsize=None)
def parameter_count(network_json: str) -> int:
    import json

    from mmengine.registry import init_default_scope
    from mmpretrain.registry import MODELS
    init_default_scope('mmpretrain')
    model = MODELS.build(json.loads(network_json))
    # the neck's normalisation is a fixed affine map at inference, folded into the
    # linear layer before it: the deployed network has none of its parameters
    norm = getattr(getattr(model, 'neck', None), 'norm', None)
    folded = sum(p.numel() for p in norm.parameters()) if norm is not None else 0
    return sum(p.numel() for p in model.parameters()) - folded


def parameters_of(cfg) -> float:
    """Millions of parameters of the classifier a config trains, as deployed."""
    import json
    network = {k: v for k, v in trained_network(cfg).items()
               if k != 'data_preprocessor'}
    return parameter_count(json.dumps(network, sort_keys=True)) / 1e6


# Table 4: "Resnet-10 6.07M, Resnet-18 12.3M, Resnet-34 22.4M, Resnet-50 25.8M";
# Table 1 gives 12.3M for every ImageNet-LT row (Student (CE), Student (LA), KD, WKD,
# DiVE, CCKD, ACCKD under each teacher): backbone + d -> 768 linear layer + a
# 1,000-class cosine classifier on the 768-d feature.
TABLE_PARAMETERS = {10: 6.07, 18: 12.3, 34: 22.4, 50: 25.8}


@pytest.mark.parametrize(
    'path', [p for p in STUDENT_CONFIGS if family(p) in ('imagenet', 'inat')],
    ids=osp.basename)
def test_every_row_trains_the_papers_student_network(path):
    """The parameter count of what each ImageNet-LT row trains (baselines and
    every distilled student, any teacher) is the paper's, to 0.05 M; each
    iNaturalist 2018 row trains its LA baseline's network (the paper gives no
    count there)."""
    cfg = load(path)
    depth = trained_network(cfg)['backbone']['depth']
    count = parameters_of(cfg)
    if family(path) == 'imagenet':
        assert count == pytest.approx(TABLE_PARAMETERS[depth], abs=0.05)
    else:
        baseline = load(osp.join(ROOT, 'configs', 'baselines',
                                 f'la_resnet{depth}_inat2018.py'))
        assert count == parameters_of(baseline)


@pytest.mark.parametrize('depth', [10, 18, 34, 50])
def test_a_baseline_checkpoint_loads_into_the_distilled_student(depth):
    """The LA baseline's weights fit the ACCKD student of its row exactly (strict
    loading), under the fine-tuned and the zero-shot teacher alike."""
    from mmengine.registry import init_default_scope
    from mmpretrain.registry import MODELS
    init_default_scope('mmpretrain')
    baseline = load(osp.join(ROOT, 'configs', 'baselines',
                             f'la_resnet{depth}_imagenet-lt.py'))
    weights = MODELS.build(baseline.model).state_dict()
    for teacher in ('af-la', 'zero-shot'):
        cfg = load(osp.join(ROOT, 'configs', 'distill', 'imagenet_lt',
                            f'acckd_resnet{depth}_clip-{teacher}_imagenet-lt.py'))
        distiller = MODELS.build(dict(cfg.model.to_dict(), student_only=True,
                                      data_preprocessor=cfg.data_preprocessor))
        distiller.student.load_state_dict(weights, strict=True)


def test_recipe_table_is_current():
    """docs/recipes.md is what .dev_scripts/recipe_table.py writes today."""
    with open(RECIPE_TABLE.OUT) as f:
        committed = f.read()
    rows = [RECIPE_TABLE.recipe(p) for p in CONFIGS]
    assert committed == RECIPE_TABLE.render(rows), \
        'docs/recipes.md is stale: run python .dev_scripts/recipe_table.py'


#: Table 6's students, whose L_sup is not LA
OTHER_SUP = ('cdt', 'lade', 'bs')


@pytest.mark.parametrize('path', [p for p in CONFIGS if osp.basename(p).startswith(
    ('la_', 'clip-vitb16_adaptformer', 'fmnist-vit_adaptformer')) or (
        named_distill(p) and MENU not in p and not any(f'-{loss}_' in osp.basename(p)
                                                       for loss in OTHER_SUP))],
                         ids=osp.basename)
def test_logit_adjustment_is_at_tau_one(path):
    """LA (Menon et al. 2021) at tau = 1 for the LA baselines, the students
    named by them and the LIFT teachers: LogitAdjustLoss's default, so the
    configs leave it out and a swapped loss inherits no argument of it."""
    from mmpretrain.registry import MODELS
    cfg = load(path)
    if is_distill(cfg):  # every student but Table 6's CDT / LADE ones is an LA one
        assert osp.basename(spec_path(cfg.model.student.to_dict())).startswith('la_')
    loss = trained_network(cfg)['head']['loss']
    assert loss['type'] == 'LogitAdjustLoss', loss
    assert MODELS.build(loss).tau == 1.0

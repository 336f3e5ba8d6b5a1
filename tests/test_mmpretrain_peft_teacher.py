"""MMPretrain's own PEFT model as a teacher: its VisionTransformer holding an
open_clip tower (tools/model_converters/open_clip_to_mmpretrain_vit.py) under
its LoRAModel, trained and distilled through the Fashion-MNIST-LT configs."""
import copy
import os.path as osp
import re

import pytest
import torch
from helpers import (TINY_VIT, data_options, load_script, run_script, run_tool,
                     tiny_backbone, train)
from mmengine.config import Config
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from cckd_plugin.models import create_open_clip
from cckd_plugin.models.distillers.frozen_teacher import check_teacher_checkpoint
from tools.tool_runs import last_val_metrics

CONVERTER = 'tools/model_converters/open_clip_to_mmpretrain_vit.py'
TEACHER = ('configs/teachers/fmnist_vit/'
           'fmnist-vit_mmpretrain-lora_la_fashion-mnist-lt.py')
STUDENT = ('configs/distill/fashion_mnist_lt/vit_teachers/'
           'acckd_resnet8_fmnist-vit-mmpretrain-lora-la_fashion-mnist-lt.py')


def tiny_vit_cfg(checkpoint=None):
    return dict(type='VisionTransformer',
                arch=dict(embed_dims=64, num_layers=2, num_heads=2,
                          feedforward_channels=256),
                img_size=32, patch_size=8, pre_norm=True, final_norm=True,
                out_type='cls_token', norm_cfg=dict(type='LN', eps=1e-5),
                init_cfg=checkpoint and dict(type='Pretrained', checkpoint=checkpoint))


@pytest.fixture(scope='module')
def tiny_tower(tmp_path_factory):
    """(open_clip model, its file converted by the tool's CLI)."""
    folder = tmp_path_factory.mktemp('tower')
    torch.manual_seed(0)
    clip = create_open_clip('tiny-vit', None, TINY_VIT)
    torch.save(clip.state_dict(), folder / 'clip.pt')
    done = run_script(CONVERTER, str(folder / 'clip.pt'), str(folder / 'vit.pth'),
                      '--num-heads', '2')
    assert done.returncode == 0, done.stderr[-2000:]
    assert "'embed_dims': 64, 'num_layers': 2, 'num_heads': 2" in done.stdout
    return clip, str(folder / 'vit.pth')


def test_the_converted_vit_is_the_open_clip_tower(tiny_tower):
    clip, path = tiny_tower
    vit = MODELS.build(tiny_vit_cfg(path))
    vit.init_weights()
    state = torch.load(path, weights_only=True)['state_dict']
    assert set(state) == set(vit.state_dict())  # every weight, nothing left over
    ours = MODELS.build(tiny_backbone())
    ours.visual.load_state_dict(clip.visual.state_dict())
    x = torch.randn(3, 3, 32, 32)
    torch.testing.assert_close(vit(x)[0], ours(x)[0], rtol=1e-5, atol=1e-5)


def test_a_tower_with_other_weights_is_refused_by_name():
    convert = load_script(CONVERTER).convert
    clip = create_open_clip('tiny-vit', None, TINY_VIT)
    state = dict(clip.state_dict())
    state['visual.transformer.resblocks.0.ls_1.gamma'] = torch.ones(64)
    with pytest.raises(ValueError, match='open_clip key visual.transformer.resblocks.0.'
                       'ls_1.gamma has no MMPretrain ViT counterpart'):
        convert(state)


def test_lora_model_trains_its_lora_weights_only(tiny_tower):
    """Two steps: the LoRA weights and the head move, the ViT stays bit-identical;
    LoRAModel's checkpoint holds only what trains."""
    _, path = tiny_tower
    torch.manual_seed(0)
    model = MODELS.build(dict(
        type='ImageClassifier',
        backbone=dict(type='ScopedLoRAModel', rank=2, alpha=2,
                      targets=[dict(type='qkv')], module=tiny_vit_cfg(path)),
        head=dict(type='CosineClsHead', num_classes=4, in_channels=64,
                  loss=dict(type='LogitAdjustLoss', class_counts=[8, 4, 2, 1]))))
    model.init_weights()
    trainable = {n: p for n, p in model.named_parameters() if p.requires_grad}
    assert {n for n in trainable if not n.startswith('head.')} == {
        f'backbone.module.layers.{i}.attn.qkv.lora_{s}.weight'
        for i in range(2) for s in ('down', 'up')}
    frozen = {n: p.detach().clone() for n, p in model.named_parameters()
              if not p.requires_grad}
    start = {n: p.detach().clone() for n, p in trainable.items()}
    opt = torch.optim.SGD(list(trainable.values()), lr=0.05)
    x = torch.randn(8, 3, 32, 32)
    samples = [DataSample().set_gt_label(i % 4) for i in range(8)]
    for _ in range(2):
        opt.zero_grad()
        model.loss(x, samples)['loss'].backward()
        opt.step()
    now = dict(model.named_parameters())
    assert all(not torch.equal(now[n], v) for n, v in start.items())
    assert all(torch.equal(now[n], v) for n, v in frozen.items())
    assert {k for k in model.state_dict() if not k.startswith('head.')} == {
        n for n in trainable if not n.startswith('head.')}


def test_a_checkpoint_over_another_frozen_vit_is_refused():
    """LoRAModel saves no ViT weights, so the file its ViT loads is part of
    which teacher a checkpoint is."""
    cfg = Config.fromfile(TEACHER).model.to_dict()
    meta = dict(cfg=Config(dict(model=cfg)).pretty_text)
    other = copy.deepcopy(cfg)
    other['backbone']['module']['init_cfg']['checkpoint'] = 'other_tower.pth'
    with pytest.raises(ValueError, match='was trained with backbone.module='):
        check_teacher_checkpoint(meta, other, 'lora.pth', 'model.teacher')
    rank = copy.deepcopy(cfg)
    rank['backbone']['rank'] = 4
    with pytest.raises(ValueError, match='was trained with backbone.rank=8'):
        check_teacher_checkpoint(meta, rank, 'lora.pth', 'model.teacher')


def holder_of(lora: dict) -> torch.nn.Module:
    holder = torch.nn.Module()
    holder.before = torch.nn.Linear(2, 2)
    holder.lora = MODELS.build(lora)
    holder.after = torch.nn.Linear(2, 2)
    return holder


def test_scoped_lora_model_keeps_its_state_dict_to_itself(tiny_tower):
    """mmpretrain 1.2's LoRAModel drops every weight without ``.lora_`` from the
    whole model's state dict (inside a distiller: the student, the priors) and
    hides every such missing key on loading; ScopedLoRAModel limits both to its
    own frozen weights, without changing LoRAModel itself."""
    _, path = tiny_tower
    lora = dict(rank=2, alpha=2, targets=[dict(type='qkv')], module=tiny_vit_cfg(path))
    stock = holder_of(dict(lora, type='LoRAModel'))
    assert 'before.weight' not in stock.state_dict()  # what the subclass is for
    holder = holder_of(dict(lora, type='ScopedLoRAModel'))
    keys = set(holder.state_dict())
    assert {'before.weight', 'before.bias', 'after.weight', 'after.bias'} <= keys
    assert {k for k in keys if k.startswith('lora.')} == {
        f'lora.module.layers.{i}.attn.qkv.lora_{s}.weight'
        for i in range(2) for s in ('down', 'up')}
    state = holder.state_dict()
    holder.load_state_dict(state)  # its own frozen weights are not asked for
    del state['before.weight']
    with pytest.raises(RuntimeError, match='Missing key.*before.weight'):
        holder.load_state_dict(state)


def test_a_distiller_refuses_a_plain_lora_model():
    cfg = Config.fromfile(STUDENT)
    teacher = Config.fromfile(TEACHER).model.to_dict()
    teacher['backbone']['type'] = 'LoRAModel'
    with pytest.raises(ValueError, match=r"^model.teacher.backbone.type='LoRAModel' "
                       r'would take every non-LoRA weight of the distiller \(the '
                       r"student, the priors\) out of its checkpoints \(mmpretrain "
                       r"1.2\): use type='ScopedLoRAModel'"):
        MODELS.build(dict(cfg.model, teacher=teacher, teacher_ckpt=None,
                          data_preprocessor=cfg.data_preprocessor))


@pytest.mark.e2e
def test_the_configs_train_the_teacher_and_distil_from_it(repo_root, fmnist_root,
                                                          tmp_path):
    """The teacher config trains one epoch on a converted (random) offline-size
    tower; the ACCKD student config distils from its checkpoint, and the
    distiller's teacher scores on `val` what the teacher's own run scored."""
    torch.manual_seed(0)
    model_cfg = Config.fromfile(
        osp.join(repo_root, 'configs/_base_/models/fmnist_vit.py')).fmnist_vit
    clip = create_open_clip('fmnist-vit', None, model_cfg.to_dict())
    torch.save(clip.state_dict(), tmp_path / 'clip.pt')
    tower = str(tmp_path / 'vit.pth')
    done = run_script(CONVERTER, str(tmp_path / 'clip.pt'), tower, '--num-heads', '3')
    assert done.returncode == 0, done.stderr[-2000:]
    data = data_options(fmnist_root)
    teacher_dir = str(tmp_path / 'teacher')
    done = train(repo_root, TEACHER, teacher_dir, '--cfg-options', *data,
                 f'model.backbone.module.init_cfg.checkpoint={tower}',
                 'train_cfg.max_epochs=1', 'train_cfg.val_interval=1',
                 'param_scheduler.0.end=1', 'default_hooks.checkpoint.interval=1')
    assert done.returncode == 0, done.stderr[-3000:]
    assert 'Set LoRA for layers.3.attn.qkv with alpha: 8, rank: 8' in done.stdout
    teacher_val = last_val_metrics(teacher_dir)['all']
    ckpt = osp.join(teacher_dir, 'epoch_1.pth')
    student_dir = str(tmp_path / 'student')
    pair_data = [o.replace('train_dataloader.dataset.',
                           'train_dataloader.dataset.dataset.') for o in data]
    done = train(repo_root, STUDENT, student_dir, '--cfg-options', *pair_data,
                 f'model.teacher_ckpt={ckpt}',
                 f'model.teacher.backbone.module.init_cfg.checkpoint={tower}',
                 'train_cfg.max_epochs=2', 'train_cfg.val_interval=2',
                 'param_scheduler.1.end=2')
    assert done.returncode == 0, done.stderr[-3000:]
    found = re.findall(r'teacher accuracy on the validation split: ([\d.]+)%',
                       done.stdout)
    assert found and float(found[-1]) == pytest.approx(teacher_val, abs=0.01)
    assert 'loss_cckd_mix' in done.stdout
    # the student's checkpoint holds the student (LoRAModel inside the distiller
    # took it out of checkpoints before the plugin's patch)
    done = run_tool(repo_root, 'test.py', STUDENT, osp.join(student_dir, 'epoch_2.pth'),
                    '--work-dir', student_dir, '--cfg-options', *pair_data,
                    f'model.teacher.backbone.module.init_cfg.checkpoint={tower}')
    assert done.returncode == 0, done.stderr[-3000:]
    assert 'shot/all' in done.stdout

"""Exact resume through a crash in mid-checkpoint, and the non-finite guard."""
import os
import os.path as osp

import pytest
import torch
from helpers import assert_same_state, small_acckd_config, train
from mmengine.config import Config
from mmpretrain.registry import MODELS

from cckd_plugin.compat import safe_torch_load
from cckd_plugin.engine import (NonFiniteLossError, NonFiniteLossHook, build_runner,
                                merge_options, prepare_cfg)

# end-to-end runs of the tools: `make test-fast` leaves them out
pytestmark = pytest.mark.e2e


KILLABLE = ("custom_imports = dict(imports=['cckd_plugin', 'kill_while_saving'], "
            "allow_failed_imports=False)")


@pytest.fixture(scope='module')
def straight(repo_root, fmnist_root, small_teacher_ckpt, tmp_path_factory):
    """epoch_3.pth of an uninterrupted 3-epoch run without data-loader workers, in
    a new interpreter (its own hash seed)."""
    tmp = tmp_path_factory.mktemp('straight')
    config = small_acckd_config(tmp, repo_root, fmnist_root, small_teacher_ckpt,
                                extra=KILLABLE)
    result = train(repo_root, config, str(tmp / 'work'), fresh=True)
    assert result.returncode == 0, result.stderr[-3000:]
    return safe_torch_load(str(tmp / 'work' / 'epoch_3.pth'))


@pytest.mark.parametrize('workers', [0, 2], ids=lambda w: f'{w}workers')
def test_killed_while_saving_then_resumed_is_bit_identical(
        repo_root, fmnist_root, small_teacher_ckpt, tmp_path, workers, straight):
    """Killed in mid-checkpoint and resumed, with or without data-loader workers:
    the same weights and momenta as the straight run without workers."""
    config = small_acckd_config(
        tmp_path, repo_root, fmnist_root, small_teacher_ckpt, workers=workers,
        extra=KILLABLE)
    crashed = str(tmp_path / 'crashed')

    # killed while epoch 2's checkpoint is half written
    result = train(
        repo_root, config, crashed, env=dict(KILL_WHILE_SAVING='epoch_2.pth'))
    assert result.returncode == -9, result.stderr[-3000:]
    assert not osp.exists(osp.join(crashed, 'epoch_2.pth'))
    assert any(f.startswith('epoch_2.pth.tmp') for f in os.listdir(crashed))
    with open(osp.join(crashed, 'last_checkpoint')) as f:
        assert f.read().strip().endswith('epoch_1.pth')
    previous = safe_torch_load(osp.join(crashed, 'epoch_1.pth'))
    assert previous['meta']['epoch'] == 1

    result = train(repo_root, config, crashed, '--resume')
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'resumed epoch: 1' in result.stdout + result.stderr
    assert 'priors restored from the checkpoint' in result.stdout + result.stderr
    a, b = straight, safe_torch_load(osp.join(crashed, 'epoch_3.pth'))
    assert_same_state(a['state_dict'], b['state_dict'])
    for sa, sb in zip(a['optimizer']['state'].values(),
                      b['optimizer']['state'].values()):
        assert torch.equal(sa['momentum_buffer'], sb['momentum_buffer'])


def straight_and_resumed(tmp_path, repo_root, fmnist_root, teacher_ckpt,
                         extra: str) -> dict:
    """A straight run without workers and a run with two workers killed in
    epoch 2's checkpoint and resumed, both of the small ACCKD config with
    ``extra`` lines: per run its epoch_3.pth state dict, log and config dump."""
    runs = {}
    for name, workers in (('straight', 0), ('crashed', 2)):
        folder = tmp_path / name
        folder.mkdir()
        config = small_acckd_config(folder, repo_root, fmnist_root, teacher_ckpt,
                                    workers=workers, extra=KILLABLE + '\n' + extra)
        work = str(folder / 'work')
        if name == 'crashed':
            result = train(repo_root, config, work,
                           env=dict(KILL_WHILE_SAVING='epoch_2.pth'))
            assert result.returncode == -9, result.stderr[-3000:]
            result = train(repo_root, config, work, '--resume')
            assert 'resumed epoch: 1' in result.stdout + result.stderr
        else:
            result = train(repo_root, config, work)
        assert result.returncode == 0, result.stderr[-3000:]
        runs[name] = dict(state=safe_torch_load(osp.join(work, 'epoch_3.pth'))[
            'state_dict'], log=result.stdout + result.stderr,
            config=open(osp.join(work, osp.basename(config))).read())
    return runs


PROGRESSIVE = ("train_dataloader.update(sampler=dict(_delete_=True, "
               "type='ClassPowerSampler', power=0.0, progressive=True))")


def test_a_progressive_sampler_resumes_bit_identical(
        repo_root, fmnist_root, small_teacher_ckpt, tmp_path, straight):
    """ClassPowerSampler's draws are a function of (seed, epoch): killed in
    epoch 2's checkpoint and resumed with two data-loader workers, a progressive
    run ends with the weights of the straight run without workers (and not with
    those of the default sampler's run)."""
    runs = straight_and_resumed(tmp_path, repo_root, fmnist_root, small_teacher_ckpt,
                                PROGRESSIVE)
    assert "type='ClassPowerSampler'" in runs['straight']['config']
    assert_same_state(runs['straight']['state'], runs['crashed']['state'])
    default = straight['state_dict']['student.head.fc.weight']
    assert not torch.equal(runs['straight']['state']['student.head.fc.weight'],
                           default)


def file_based_data(root: str) -> str:
    """Extra config lines: every split as image files listed in split files
    (MMPretrain's CustomDataset, grey PNGs), training through per-sample random
    transforms that draw from the global random state in MMPretrain."""
    from helpers import write_list_dataset
    counts = [12, 8, 6, 4, 3, 2, 2, 1, 1, 1]
    write_list_dataset(root, 'train.txt', [c for c, n in enumerate(counts)
                                           for _ in range(n)], size=32)
    for split in ('val', 'test'):
        write_list_dataset(root, f'{split}.txt', list(range(10)) * 2, size=32)
    grey = dict(type='LoadImageFromFile', color_type='grayscale')
    train = [grey, dict(type='RandomResizedCrop', scale=28),
             dict(type='RandomFlip', prob=0.5, direction='horizontal'),
             dict(type='PackInputs')]
    test = [grey, dict(type='CenterCrop', crop_size=28), dict(type='PackInputs')]
    data = dict(type='CustomDataset', data_root=root, classes=[str(c) for c in
                                                               range(10)])
    lines = [f'train_dataloader.update(dataset=dict(dataset=dict(_delete_=True, '
             f'ann_file="train.txt", pipeline={train!r}, **{data!r})))']
    for split in ('val', 'test'):
        lines.append(f'{split}_dataloader.update(dataset=dict(_delete_=True, '
                     f'ann_file="{split}.txt", pipeline={test!r}, **{data!r}))')
    return '\n'.join(lines)


def test_a_file_based_pipeline_with_workers_resumes_bit_identical(
        repo_root, fmnist_root, small_teacher_ckpt, tmp_path):
    """Image files through RandomResizedCrop and RandomFlip, loaded by two
    workers, killed in epoch 2's checkpoint and resumed: the weights of the
    straight run without workers (every view a function of its seed, epoch,
    index and role, not of the worker or what ran before)."""
    runs = straight_and_resumed(tmp_path, repo_root, fmnist_root, small_teacher_ckpt,
                                file_based_data(str(tmp_path / 'images')))
    assert 'CustomDataset' in runs['straight']['log']
    assert_same_state(runs['straight']['state'], runs['crashed']['state'])


def test_killed_while_writing_last_checkpoint_keeps_the_previous(
        repo_root, fmnist_root, small_teacher_ckpt, tmp_path):
    """last_checkpoint is written atomically too: killed while writing it after
    epoch 2, it still names epoch 1's checkpoint, whole, and --resume works."""
    config = small_acckd_config(
        tmp_path, repo_root, fmnist_root, small_teacher_ckpt, epochs=2,
        extra=KILLABLE)
    work = str(tmp_path / 'work')
    result = train(
        repo_root,
        config,
        work,
        env=dict(KILL_WHILE_SAVING='last_checkpoint', KILL_AT_WRITE='2'))
    assert result.returncode == -9, result.stderr[-3000:]
    with open(osp.join(work, 'last_checkpoint')) as f:
        assert f.read() == osp.join(work, 'epoch_1.pth')
    assert safe_torch_load(osp.join(work, 'epoch_2.pth'))['meta']['epoch'] == 2
    result = train(repo_root, config, work, '--resume')
    assert result.returncode == 0, result.stderr[-3000:]


@MODELS.register_module(force=True)
class NaNFromCallLoss(torch.nn.Module):
    """Cross-entropy that turns NaN from its ``nan_from``-th call on."""

    def __init__(self, nan_from: int = 1, **kwargs):
        super().__init__()
        self.calls, self.nan_from = 0, nan_from

    def forward(self, cls_score, label, **kwargs):
        self.calls += 1
        loss = torch.nn.functional.cross_entropy(cls_score, label)
        return loss * float('nan') if self.calls >= self.nan_from else loss


def test_non_finite_loss_stops_before_the_step_and_any_checkpoint(
        repo_root, fmnist_root, small_teacher_ckpt, tmp_path):
    config = small_acckd_config(tmp_path, repo_root, fmnist_root, small_teacher_ckpt)
    cfg = merge_options(
        Config.fromfile(config), {
            'model.student.head.loss':
            dict(_delete_=True, type='NaNFromCallLoss', nan_from=20)
        })
    cfg.work_dir = str(tmp_path / 'work')
    runner = build_runner(prepare_cfg(cfg))
    student = runner.model.student
    with pytest.raises(NonFiniteLossError) as err:
        runner.train()
    message = str(err.value)
    assert '\n' not in message
    assert 'iteration 20 (epoch 2, batch 5)' in message
    assert 'loss_sup=nan' in message and 'batch classes [' in message
    assert all(torch.isfinite(p).all()
               for p in student.parameters())  # step not applied
    assert runner.iter == 19
    assert sorted(f for f in os.listdir(cfg.work_dir) if f.endswith('.pth')) == \
        ['best_shot_all_epoch_1.pth', 'epoch_1.pth']


def test_non_finite_guard_names_every_bad_term():
    hook = NonFiniteLossHook()
    hook._where = 'iteration 7 (epoch 1, batch 7)'
    hook._batch = None
    with pytest.raises(NonFiniteLossError, match=r'loss_cckd=inf; batch classes \[\]'):
        hook.check({
            'loss_sup': torch.tensor(0.3),
            'loss_cckd': torch.tensor(float('inf')),
            'loss_fi': torch.tensor(0.1)
        })
    hook.check({'loss_sup': torch.tensor(0.3), 'accuracy': torch.tensor(float('nan'))})

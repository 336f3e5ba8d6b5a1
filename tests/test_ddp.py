"""tools/dist_train.sh with 2 processes on CPU (gloo): trains, validates,
saves and resumes, with the one-process priors, class counts and metric."""
import json
import os
import os.path as osp
import subprocess
import sys

import numpy as np
import pytest
import torch
from helpers import free_port, launch, run_tool, small_acckd_config, train
from mmengine.dataset import DefaultSampler

from cckd_plugin.compat import safe_torch_load
from cckd_plugin.datasets import ClassBalancedPairDataset

# end-to-end runs of the tools: `make test-fast` leaves them out
pytestmark = pytest.mark.e2e


def test_two_processes_train_validate_save_resume_like_one(
        repo_root, fmnist_root, small_teacher_ckpt, tmp_path):
    config = small_acckd_config(tmp_path, repo_root, fmnist_root, small_teacher_ckpt,
                                epochs=1)
    one, two = str(tmp_path / 'one'), str(tmp_path / 'two')
    result = train(repo_root, config, one)
    assert result.returncode == 0, result.stderr[-3000:]
    result = launch(repo_root, 'dist_train.sh', config, '2', '--work-dir', two)
    assert result.returncode == 0, result.stderr[-3000:]
    log = result.stdout + result.stderr
    assert 'Epoch(val) [1]' in log and 'shot/all' in log
    result = launch(repo_root, 'dist_train.sh', config, '2', '--work-dir', two,
                    '--resume', '--cfg-options', 'train_cfg.max_epochs=2')
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'resumed epoch: 1' in result.stdout + result.stderr

    a = safe_torch_load(osp.join(one, 'epoch_1.pth'))
    b = safe_torch_load(osp.join(two, 'epoch_1.pth'))
    c = safe_torch_load(osp.join(two, 'epoch_2.pth'))
    for key in ('teacher_prior', 'train_prior'):
        torch.testing.assert_close(b['state_dict'][key], a['state_dict'][key],
                                   rtol=0, atol=1e-6)
        assert torch.equal(c['state_dict'][key],
                           b['state_dict'][key])  # not re-estimated
    assert a['meta']['class_counts'] == b['meta']['class_counts'] == \
        c['meta']['class_counts']
    assert c['meta']['epoch'] == 2

    # the shot-group metric of 2 processes equals that of 1
    outs = [str(tmp_path / 'one.json'), str(tmp_path / 'two.json')]
    ckpt = osp.join(two, 'epoch_2.pth')
    result = run_tool(repo_root, 'test.py', config, ckpt, '--work-dir',
                      str(tmp_path / 't1'), '--out', outs[0], '--out-item', 'metrics')
    assert result.returncode == 0, result.stderr[-3000:]
    result = launch(repo_root, 'dist_test.sh', config, ckpt, '2', '--work-dir',
                    str(tmp_path / 't2'), '--out', outs[1], '--out-item', 'metrics')
    assert result.returncode == 0, result.stderr[-3000:]
    m1, m2 = (json.load(open(o)) for o in outs)
    for key in ('shot/many', 'shot/medium', 'shot/few', 'shot/all'):
        assert m2[key] == pytest.approx(m1[key], abs=1e-9, nan_ok=True), key
    # the comparison allows NaN: only 'many' may be one (no class has over 100 of
    # the 60 ... 6 training images); the others are real percentages
    assert np.isnan(m1['shot/many'])
    assert all(0.0 <= m1[k] <= 100.0 for k in ('shot/medium', 'shot/few', 'shot/all'))


class Labels:
    """A stand-in dataset: only labels matter to the partner draws."""

    def __init__(self, labels):
        self.labels = labels
        self.metainfo = dict(classes=[str(c) for c in sorted(set(labels))])

    def get_gt_labels(self):
        return np.asarray(self.labels)

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, idx):
        return dict(gt_label=self.labels[idx])


def test_each_rank_draws_disjoint_partners_covering_one_process(monkeypatch):
    labels = [c for c, n in enumerate([40, 20, 10, 6, 4]) for _ in range(n)]  # 80
    pairs = ClassBalancedPairDataset(Labels(labels), seed=3)
    pairs.set_epoch(2)

    def draws(rank, world):
        monkeypatch.setattr('mmengine.dataset.sampler.get_dist_info', lambda:
                            (rank, world))
        sampler = DefaultSampler(pairs, shuffle=True, seed=5)
        sampler.set_epoch(2)
        return [(i, pairs.partner_index(i)) for i in sampler]

    single = draws(0, 1)
    rank0, rank1 = draws(0, 2), draws(1, 2)
    assert not set(rank0) & set(rank1)
    assert sorted(rank0 + rank1) == sorted(single)


def test_class_power_sampler_under_torchrun(tmp_path):
    """Two torchrun processes: one shared seed although the ranks' random
    states differ, disjoint shares that interleave to the one-process draw of
    every epoch (padded to a multiple of the world size)."""
    from helpers import LabelsOnly

    from cckd_plugin.datasets import ClassPowerSampler
    out = str(tmp_path / 'ranks.json')
    env = dict(os.environ, PYTHONWARNINGS='ignore', OMP_NUM_THREADS='1')
    result = subprocess.run(
        [sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node', '2',
         '--master_port', str(free_port()), 'tests/sampler_ranks.py', out],
        cwd=osp.dirname(osp.dirname(osp.abspath(__file__))), env=env,
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    ranks = json.load(open(out))
    assert ranks[0]['seed'] == ranks[1]['seed']
    assert ranks[0]['per_rank'] == ranks[1]['per_rank'] == 56  # ceil(111 / 2)
    one = ClassPowerSampler(LabelsOnly((100, 10, 1)), power=0.0, progressive=True,
                            max_epochs=3, seed=ranks[0]['seed'])
    for epoch in ('0', '1', '2'):
        single = one.epoch_indices(int(epoch)).tolist()
        padded = single + single[:1]
        assert ranks[0]['draws'][epoch] == padded[0::2]
        assert ranks[1]['draws'][epoch] == padded[1::2]
    assert ranks[0]['draws']['0'] != ranks[0]['draws']['2']  # a new draw per epoch

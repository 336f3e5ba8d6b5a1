"""tools/analysis/training_start.py: per-term gradients at initialisation and the
first iterations of a real run, without changing that run."""
import json
import os.path as osp

import pytest
from helpers import run_tool, scalars, small_acckd_config, train

# end-to-end runs of the tools: `make test-fast` leaves them out
pytestmark = pytest.mark.e2e

TERMS = ('loss_sup', 'loss_cckd', 'loss_sup_mix', 'loss_cckd_mix', 'loss_fi',
         'loss_fi_mix')


def start(repo_root, config, tmp_path, iters, *options):
    out = str(tmp_path / 'start.json')
    result = run_tool(repo_root, osp.join('analysis', 'training_start.py'), config,
                      '--iters', str(iters), '--out', out, *options)
    assert result.returncode == 0, result.stderr[-3000:]
    with open(out) as f:
        return json.load(f), result.stdout


def test_start_of_an_acckd_run_is_the_run_itself(repo_root, fmnist_root,
                                                 small_teacher_ckpt, tmp_path):
    """Every ACCKD term gets its gradients at initialisation, and the recorded
    iterations (rate and every loss term) are the ones tools/train.py logs for
    the same config: the measurement does not change the run it measures."""
    config = small_acckd_config(tmp_path, repo_root, fmnist_root, small_teacher_ckpt,
                                epochs=1)
    # every iteration logged as it is (mmengine smooths over 10 by default)
    every_iteration = ('--cfg-options', 'default_hooks.logger.interval=1',
                       'log_processor.window_size=1')
    report, printed = start(repo_root, config, tmp_path, 6, *every_iteration)
    assert set(report['init']) == set(TERMS)
    for term, grads in report['init'].items():
        assert grads['head_input'] > 0 and grads['backbone'] > 0, term
        assert grads['align'] is None  # 64-d student, 64-d teacher: no layer
    assert [s['iter'] for s in report['steps']] == [1, 2, 3, 4, 5, 6]
    assert all(s['head_input_norm'] > 0 and s['max_logit'] > 0
               for s in report['steps'])
    assert '| loss_fi |' in printed and 'head input norm:' in printed

    work = str(tmp_path / 'train')
    result = train(repo_root, config, work, *every_iteration)
    assert result.returncode == 0, result.stderr[-3000:]
    logged = [r for r in scalars(work) if 'loss' in r][:6]
    for step, record in zip(report['steps'], logged):
        assert step['lr'] == pytest.approx(record['lr'], rel=1e-6)
        for term in ('loss', ) + TERMS:
            assert step[term] == pytest.approx(record[term], rel=1e-4, abs=1e-4), (
                step['iter'], term)


def test_a_side_branch_layer_is_trained_by_feature_imitation_alone(
        repo_root, fmnist_root, small_teacher_ckpt, tmp_path):
    config = small_acckd_config(tmp_path, repo_root, fmnist_root, small_teacher_ckpt,
                                epochs=1)
    report, printed = start(repo_root, config, tmp_path, 2, '--cfg-options',
                            'model.distill.align=branch',
                            'model.distill.always_align=True')
    init = report['init']
    for term in ('loss_fi', 'loss_fi_mix'):
        assert init[term]['align'] > 0
    for term in ('loss_sup', 'loss_cckd', 'loss_sup_mix', 'loss_cckd_mix'):
        assert init[term]['align'] == 0.0
    assert 'largest feature-imitation / largest classification gradient on the ' \
           'head input' in printed

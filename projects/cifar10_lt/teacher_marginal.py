"""What a teacher tells a KD student on the long-tailed training images: each
teacher's accuracy on them and the mean of its softmax over them (the class
marginal KD trains the student's raw logits towards), against the training
prior.

    python projects/cifar10_lt/teacher_marginal.py          # after run_benchmark.py

A teacher that has fitted the training images (the NCM means are taken over
them; the tuned teachers trained on them) returns close to the labels there,
so its marginal is close to the long-tailed training prior: KD on its raw
logits then pulls the student back towards what cross-entropy learns, while
CCKD takes the teacher's prior out. Prints a Markdown table; KL divergences
in nats. Reads the tuned teacher from the benchmark's work directory.
"""
import argparse
import math
import os
import os.path as osp
import pickle
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

from cckd_plugin.models.distillers.frozen_teacher import final_checkpoint
from tools.tool_runs import run_tool

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TEACHER = 'configs/teachers/cifar10_lt/effnet-lite0_{}_cifar10-lt-n500.py'


def marginal(predictions: list) -> tuple:
    """(accuracy %, mean softmax over the images, label frequencies) of
    MMPretrain's pickled predictions (``pred_score``: (C,) probabilities)."""
    scores = [[float(p) for p in r['pred_score']] for r in predictions]
    labels = [int(r['gt_label'].reshape(-1)[0]) for r in predictions]
    classes = len(scores[0])
    mean = [sum(s[c] for s in scores) / len(scores) for c in range(classes)]
    prior = [labels.count(c) / len(labels) for c in range(classes)]
    correct = sum(max(range(classes), key=s.__getitem__) == y
                  for s, y in zip(scores, labels))
    return 100.0 * correct / len(labels), mean, prior


def kl(p: list, q: list) -> float:
    """KL(p || q) in nats."""
    return sum(a * math.log(a / b) for a, b in zip(p, q) if a > 0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--work-dir', default=osp.join(
        ROOT, 'work_dirs', 'cifar10_lt_benchmark'),
        help="the benchmark's work directory (the tuned teacher's checkpoint)")
    parser.add_argument('--tuned', default='full', help='the tuned teacher (tag)')
    args = parser.parse_args()
    ckpt = osp.join(args.work_dir, 'teachers', args.tuned, 'train', osp.basename(
        final_checkpoint(osp.join(ROOT, TEACHER.format(f'{args.tuned}_la')))))
    if not osp.isfile(ckpt):
        parser.error(f'--work-dir: no {ckpt}; run projects/cifar10_lt/run_benchmark.py '
                     'first')
    rows = []
    for label, name, checkpoint in (('zero-shot', 'zero-shot', None),
                                    ('NCM', 'ncm', None),
                                    (f'{args.tuned} + LA', f'{args.tuned}_la', ckpt)):
        out_dir = osp.join(args.work_dir, 'teacher_marginal', name)
        os.makedirs(out_dir, exist_ok=True)
        out = osp.join(out_dir, 'train_predictions.pkl')
        if not osp.isfile(out):
            run_tool([sys.executable, 'tools/test.py', TEACHER.format(name)] +
                     ([checkpoint] if checkpoint else []) +
                     ['--work-dir', out_dir, '--out', out, '--cfg-options',
                      'test_dataloader.dataset.split=train'],
                     osp.join(out_dir, 'test.log'))
        with open(out, 'rb') as f:
            accuracy, mean, prior = marginal(pickle.load(f))
        shares = ' '.join(f'{m:.3f}' for m in mean)
        rows.append(f'| {label} | {accuracy:.1f} | {shares} | {kl(mean, prior):.2f} |')
    uniform = [1.0 / len(prior)] * len(prior)
    print('| teacher | accuracy on the training images (%) | mean softmax over them '
          '(classes 0-9) | KL to the training prior |')
    print('|---|---:|---|---:|')
    print('\n'.join(rows))
    print(f'| (the training prior) | | {" ".join(f"{p:.3f}" for p in prior)} | 0 |')
    print(f'| (a balanced marginal) | | {" ".join(f"{p:.3f}" for p in uniform)} | '
          f'{kl(uniform, prior):.2f} |')


if __name__ == '__main__':
    main()

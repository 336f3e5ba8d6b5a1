"""Build the class weights of the zero-shot / NCM heads of a teacher config.

    python tools/build_teacher_head.py CONFIG [--checkpoint CKPT] [--out FILE]

Zero-shot heads encode class names x prompts with CLIP's text tower; NCM heads
average the (frozen) backbone's features over the training set. The weights
go to the head's ``weights_file`` (or ``--out``), which configs point at.
An existing file is reused only if it was built from the same data.
"""
import argparse
import copy
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

from mmengine.config import Config
from mmpretrain.registry import DATASETS

from cckd_plugin.engine import PreparationData, build_runner, merge_options, prepare_cfg
from cckd_plugin.engine.tool_args import add_cfg_options
from cckd_plugin.models.heads import PrototypeClsHead
from cckd_plugin.models.heads.head_preparation import prepare_classifier


def parse_args():
    parser = argparse.ArgumentParser(description='Build zero-shot / NCM head weights')
    parser.add_argument('config', help='teacher config')
    parser.add_argument('--checkpoint', help='backbone weights to load first')
    parser.add_argument('--out', help='where to save (default: the head weights_file, '
                        'else <work_dir>/teacher_heads/<kind>.pth)')
    parser.add_argument('--work-dir', help='work directory')
    add_cfg_options(parser)
    return parser.parse_args()


def main():
    args = parse_args()
    cfg = Config.fromfile(args.config)
    cfg = merge_options(cfg, args.cfg_options)
    if args.out:
        cfg.model.head.weights_file = args.out
    cfg.work_dir = args.work_dir or cfg.get('work_dir') or osp.join(
        'work_dirs', osp.splitext(osp.basename(args.config))[0])
    cfg = prepare_cfg(cfg)
    runner = build_runner(cfg)
    if args.checkpoint:
        runner.load_checkpoint(args.checkpoint)
    dataset_cfg = copy.deepcopy(cfg.train_dataloader.dataset)
    dataset_cfg['lazy_init'] = True  # class names only; no data read
    names = DATASETS.build(dataset_cfg).metainfo.get('classes')
    if not isinstance(getattr(runner.model, 'head', None), PrototypeClsHead):
        raise SystemExit(
            f'{args.config}: model.head is neither a ZeroShotClsHead nor an '
            f'NCMClsHead')
    prepare_classifier(runner.model, PreparationData(cfg, cfg.work_dir, names, 'test'))


if __name__ == '__main__':
    main()

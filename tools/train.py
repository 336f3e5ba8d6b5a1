"""Train a model from a config: MMPretrain's ``tools/train.py`` interface, with
the plugin imported and ``num_workers=0`` supported."""
import argparse
import os.path as osp
import sys
import warnings

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
# import-time notices of the pinned stack that say nothing about the run
warnings.filterwarnings(
    'ignore', message='Fail to import ``MultiScaleDeformableAttention``')
warnings.filterwarnings('ignore', message='pkg_resources is deprecated')

import torch
from mmengine.config import Config

from cckd_plugin.engine import (build_runner, check_inputs, close_distributed,
                                init_distributed, merge_options, prepare_cfg, run_main)
from cckd_plugin.engine.tool_args import (add_cfg_options, add_launch_arguments,
                                          parse_launch_arguments)
from cckd_plugin.engine.work_dir_lock import lock_work_dir


def parse_args():
    parser = argparse.ArgumentParser(description='Train a classifier')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument('--resume', nargs='?', type=str, const='auto',
                        help='resume from the latest checkpoint in the work_dir '
                        'automatically, or from a given checkpoint path')
    parser.add_argument('--amp', action='store_true',
                        help='enable automatic-mixed-precision training')
    parser.add_argument('--no-validate', action='store_true',
                        help='whether not to evaluate the checkpoint during training')
    parser.add_argument('--auto-scale-lr', action='store_true',
                        help='whether to auto scale the learning rate according to '
                        'the actual batch size and the original batch size')
    parser.add_argument('--no-pin-memory', action='store_true',
                        help='whether to disable the pin_memory option in dataloaders')
    parser.add_argument('--no-persistent-workers', action='store_true',
                        help='whether to disable the persistent_workers option in '
                        'dataloaders')
    add_cfg_options(parser)
    add_launch_arguments(parser)
    return parse_launch_arguments(parser)


def check_something_to_resume(work_dir: str) -> None:
    """``--resume`` without a checkpoint resumes the latest run in the work
    directory; where there is none, it is a mistake (a mistyped or another
    work directory), not a new run from epoch 1.

    Raises:
        FileNotFoundError: one line naming the work directory.
    """
    # a last_checkpoint that names no whole checkpoint is the runner's to report
    if not osp.isfile(osp.join(work_dir, 'last_checkpoint')):
        raise FileNotFoundError(
            f'--resume: nothing to resume in {work_dir} (no last_checkpoint file '
            f'there): check --work-dir, give --resume CKPT, or '
            f'start without --resume')


def merge_args(cfg, args):
    """Apply the command-line flags to the config."""
    if args.no_validate:
        cfg.val_cfg = None
        cfg.val_dataloader = None
        cfg.val_evaluator = None
    if args.amp:
        optim_wrapper = cfg.optim_wrapper.get('type', 'OptimWrapper')
        if optim_wrapper not in ('OptimWrapper', 'AmpOptimWrapper'):
            raise ValueError(f'--amp needs optim_wrapper.type OptimWrapper, got '
                             f'{optim_wrapper}')
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    if args.resume == 'auto':
        check_something_to_resume(cfg.work_dir)
        cfg.resume = True
        cfg.load_from = None
    elif args.resume is not None:
        cfg.resume = True
        cfg.load_from = args.resume
    if args.auto_scale_lr:
        cfg.auto_scale_lr.enable = True
    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        loader = cfg.get(name)
        if loader is None:
            continue
        if args.no_pin_memory:
            loader['pin_memory'] = False
        if args.no_persistent_workers:
            loader['persistent_workers'] = False
    return cfg


def main(args):
    cfg = Config.fromfile(args.config)
    cfg.launcher = args.launcher
    cfg = merge_options(cfg, args.cfg_options)
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    cfg = prepare_cfg(merge_args(cfg, args))
    check_inputs(cfg,
                 'train')  # data, teacher checkpoint, CLIP weights: one line if missing
    lock_work_dir(cfg.work_dir)  # one training run per work directory at a time
    init_distributed(cfg.launcher, torch.cuda.is_available())  # gloo without CUDA
    build_runner(cfg).train()
    close_distributed()  # after every process finished: gloo aborts at exit otherwise


if __name__ == '__main__':
    arguments = parse_args()
    run_main(lambda: main(arguments), arguments.debug)

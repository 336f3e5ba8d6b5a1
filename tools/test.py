"""Evaluate a checkpoint: MMPretrain's ``tools/test.py`` interface, with the
plugin imported. Shot groups come from the checkpoint alone. The checkpoint
may be left out for teachers whose weights come from the config (CLIP's
pretrained tower with a zero-shot or NCM head)."""
import argparse
import os.path as osp
import sys
from copy import deepcopy

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

import mmengine
import torch
from mmengine.config import Config, ConfigDict
from mmengine.dist import is_main_process
from mmengine.evaluator import DumpResults

from cckd_plugin.engine import (build_runner, check_inputs, close_distributed,
                                init_distributed, merge_options, prepare_cfg, run_main)
from cckd_plugin.engine.tool_args import (add_cfg_options, add_launch_arguments,
                                          parse_launch_arguments)
from cckd_plugin.evaluation import shot_table


def parse_args():
    parser = argparse.ArgumentParser(description='Test (and eval) a model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument(
        'checkpoint', nargs='?',
        help='checkpoint file; may be left out for teachers whose weights come '
        'from the config (zero-shot, NCM)')
    parser.add_argument(
        '--work-dir',
        help='the directory to save the file containing evaluation metrics')
    parser.add_argument('--out', help='the file to output results.')
    parser.add_argument('--out-item', choices=['metrics', 'pred'],
                        help='to output whether metrics or predictions; defaults to '
                        'output predictions')
    add_cfg_options(parser)
    parser.add_argument('--show-dir', help='directory where the visualization images '
                        'will be saved')
    parser.add_argument('--show', action='store_true', help='whether to display the '
                        'prediction results in a window')
    parser.add_argument('--interval', type=int, default=1,
                        help='visualize per interval samples')
    parser.add_argument('--wait-time', type=float, default=2,
                        help='display time of every window (second)')
    parser.add_argument('--no-pin-memory', action='store_true',
                        help='whether to disable the pin_memory option in dataloaders')
    parser.add_argument('--tta', action='store_true', help='whether to enable the '
                        'Test-Time-Aug (TTA); needs tta_model and tta_pipeline in the '
                        'config')
    add_launch_arguments(parser)
    return parse_launch_arguments(parser)


def merge_args(cfg, args):
    """Apply the command-line flags to the config."""
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    cfg.load_from = args.checkpoint
    if args.show or args.show_dir:
        cfg.default_hooks.visualization = dict(
            type='VisualizationHook', enable=True, out_dir=args.show_dir,
            show=args.show, wait_time=args.wait_time, interval=args.interval)
    if args.tta:
        if 'tta_model' not in cfg or 'tta_pipeline' not in cfg:
            raise ValueError('--tta needs tta_model and tta_pipeline in the config')
        cfg.model = ConfigDict(**cfg.tta_model, module=cfg.model)
        test_dataset = deepcopy(cfg.test_dataloader.dataset)
        cfg.test_dataloader.dataset = dict(type='ClsTTADataset', dataset=test_dataset,
                                           tta_pipeline=cfg.tta_pipeline)
    if args.no_pin_memory:
        cfg.test_dataloader['pin_memory'] = False
    if args.out is None and args.out_item is not None:
        raise ValueError('--out-item needs --out')
    return cfg


def main(args):
    if args.out is not None and args.out_item in ('pred', None) and \
            not args.out.endswith(('.pkl', '.pickle')):
        raise ValueError(f'--out {args.out}: predictions are dumped to a .pkl file')
    cfg = Config.fromfile(args.config)
    cfg = merge_options(cfg, args.cfg_options)
    cfg = prepare_cfg(merge_args(cfg, args))
    if cfg.model.get('type') == 'ClassConditionalDistiller':
        cfg.model.student_only = True  # the student alone: no teacher weights read
    elif args.checkpoint:
        backbone = cfg.model.get('backbone') or {}
        if backbone.get('type') == 'CLIPVisionBackbone':
            backbone['pretrained'] = None  # the checkpoint holds the whole tower
    check_inputs(cfg, 'test', args.checkpoint)
    init_distributed(cfg.launcher, torch.cuda.is_available())  # gloo without CUDA
    runner = build_runner(cfg)
    if args.out and args.out_item in ['pred', None]:
        runner.test_evaluator.metrics.append(DumpResults(out_file_path=args.out))
    metrics = runner.test()
    table = shot_table(metrics)
    if table is not None and is_main_process():
        print(f'\n{osp.basename(args.config)}: top-1 % by shot group\n{table}')
    if args.out and args.out_item == 'metrics' and is_main_process():
        mmengine.dump(metrics, args.out)
    close_distributed()  # after every process finished: gloo aborts at exit otherwise


if __name__ == '__main__':
    arguments = parse_args()
    run_main(lambda: main(arguments), arguments.debug)

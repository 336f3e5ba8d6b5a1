"""Write a teacher replay cache for a distillation config: the frozen teacher
runs once over every view a training run of CONFIG uses (real and mixed images,
every epoch, as the distiller builds them); any student of that config's data,
seed and batch size then trains from it with ``model.teacher_cache=OUT``
(docs/teacher_cache.md).

    python tools/cache_teacher.py CONFIG --out work_dirs/caches/fmnist_seed0
    python tools/train.py CONFIG \
        --cfg-options model.teacher_cache=work_dirs/caches/fmnist_seed0
    bash tools/dist_cache_teacher.sh CONFIG 2 --out ...   # the cache of a 2-process run
"""
import argparse
import os.path as osp
import sys
import warnings

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
warnings.filterwarnings(
    'ignore', message='Fail to import ``MultiScaleDeformableAttention``')
warnings.filterwarnings('ignore', message='pkg_resources is deprecated')

import torch
from mmengine.config import Config

from cckd_plugin.engine import (build_runner, check_inputs, close_distributed,
                                init_distributed, merge_options, prepare_cfg, run_main)
from cckd_plugin.engine.tool_args import (add_cfg_options, add_launch_arguments,
                                          parse_launch_arguments)


def parse_args():
    parser = argparse.ArgumentParser(description='Cache a teacher\'s outputs on the '
                                     'views of a distillation run')
    parser.add_argument('config', help='distillation config file path')
    parser.add_argument('--out', help='cache folder (default: work_dirs/teacher_caches/'
                        '<config name>_seed<seed>)')
    parser.add_argument('--logits', choices=['fp32', 'fp16'], default='fp32',
                        help='storage of the logits (fp32: bit-identical losses)')
    parser.add_argument('--features', choices=['fp32', 'fp16', 'int8', 'none'],
                        default='fp32', help='storage of the features feature '
                        'imitation reads (none: a cache for objectives without FI)')
    parser.add_argument('--no-mixed', action='store_true',
                        help='cache the real images only (serves KD, WKD, DiVE, '
                        'CCKD; not ACCKD)')
    parser.add_argument('--first-epochs', type=int,
                        help='write only the first N epochs (a partial cache)')
    parser.add_argument('--work-dir', help='where the log goes (default: OUT/logs)')
    add_cfg_options(parser)
    add_launch_arguments(parser)
    return parse_launch_arguments(parser)


def main(args):
    cfg = Config.fromfile(args.config)
    cfg.launcher = args.launcher
    cfg = merge_options(cfg, args.cfg_options)
    if cfg.model.get('type') != 'ClassConditionalDistiller':
        raise ValueError(f'{args.config}: model.type is {cfg.model.get("type")}, not '
                         f'ClassConditionalDistiller; only a distiller has a teacher '
                         f'to cache')
    name = osp.splitext(osp.basename(args.config))[0]
    seed = (cfg.get('randomness') or {}).get('seed', 0)
    out = args.out or osp.join('work_dirs', 'teacher_caches', f'{name}_seed{seed}')
    cfg.work_dir = args.work_dir or osp.join(out, 'logs')
    cfg.model.teacher_cache = None  # the writer runs the teacher
    cfg.train_cfg = dict(type='TeacherCacheLoop', max_epochs=cfg.train_cfg.max_epochs,
                         out=out, logits=args.logits, features=args.features,
                         mixed=not args.no_mixed, first_epochs=args.first_epochs)
    cfg = prepare_cfg(cfg)
    check_inputs(cfg, 'train')  # data, teacher checkpoint: one line if missing
    init_distributed(cfg.launcher, torch.cuda.is_available())
    build_runner(cfg).train()
    close_distributed()


if __name__ == '__main__':
    arguments = parse_args()
    run_main(lambda: main(arguments), arguments.debug)

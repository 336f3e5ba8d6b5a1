"""The command-line arguments every training-style tool shares (``tools/train.py``,
``tools/test.py``, ``tools/cache_teacher.py``), as in MMPretrain's tools."""
import argparse
import os


def add_launch_arguments(parser: argparse.ArgumentParser) -> None:
    """``--launcher``, ``--local_rank`` (torch.distributed.launch) and ``--debug``."""
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'],
                        default='none', help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    parser.add_argument('--debug', action='store_true',
                        help='show the traceback of an error instead of one line')


def parse_launch_arguments(parser: argparse.ArgumentParser) -> argparse.Namespace:
    """Parse the command line; ``LOCAL_RANK`` is set from ``--local_rank`` where
    the launcher did not set it."""
    args = parser.parse_args()
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args

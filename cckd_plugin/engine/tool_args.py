"""The command-line arguments every training-style tool shares (``tools/train.py``,
``tools/test.py``, ``tools/cache_teacher.py``), as in MMPretrain's tools."""
import argparse
import os
from typing import Any, Dict, Sequence

from mmengine.config import DictAction

#: characters that make a value a list or tuple for mmengine's DictAction
_ITERABLE = ',[]()'


def parse_option_value(value: str) -> Any:
    """One ``--cfg-options`` value as mmengine's ``DictAction`` parses it
    (numbers, booleans, ``None``, lists ``a,b`` / ``[a, b]``, tuples), except
    that a single value keeps its spaces: mmengine removes every space, so
    ``load_from=/my runs/epoch_1.pth`` would become ``/myruns/epoch_1.pth``."""
    plain = value.strip('\'"')
    if ' ' in plain.strip() and not any(c in plain for c in _ITERABLE):
        return DictAction._parse_int_float_bool(plain.strip())
    return DictAction._parse_iterable(value)


def parse_options(pairs: Sequence[str]) -> Dict[str, Any]:
    """``KEY=VALUE`` strings -> a dict of parsed values (:func:`parse_option_value`).

    Raises:
        ValueError: one line naming a pair without ``=``.
    """
    options = {}
    for pair in pairs:
        key, sep, value = pair.partition('=')
        if not sep:
            raise ValueError(f'--cfg-options: {pair!r} is not KEY=VALUE')
        options[key] = parse_option_value(value)
    return options


class CfgOptionsAction(argparse.Action):
    """``--cfg-options KEY=VALUE ...`` as MMPretrain's tools take them
    (mmengine's ``DictAction``), with paths that contain spaces kept whole."""

    def __call__(self, parser, namespace, values, option_string=None):
        options = dict(getattr(namespace, self.dest, None) or {})
        try:
            options.update(parse_options(values or []))
        except ValueError as err:
            parser.error(str(err))
        setattr(namespace, self.dest, options)


def add_cfg_options(parser: argparse.ArgumentParser) -> None:
    """``--cfg-options`` (:class:`CfgOptionsAction`)."""
    parser.add_argument('--cfg-options', nargs='+', action=CfgOptionsAction,
                        help='override settings of the config: KEY=VALUE pairs '
                        'merged into it (lists as a,b or [a,b]; a path may hold '
                        'spaces when quoted)')


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

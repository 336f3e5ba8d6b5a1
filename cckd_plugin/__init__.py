"""cckd-mmpretrain: class-conditional knowledge distillation for MMPretrain.

Importing the package applies the compatibility patches and registers every
component into the ``mmpretrain.registry`` registries, so a config needs only
``custom_imports = dict(imports=['cckd_plugin'], allow_failed_imports=False)``.
"""
from . import compat  # noqa: F401  (first: patches checkpoint loading)
from . import datasets, engine, evaluation, models  # noqa: F401
from .version import __version__

__all__ = ['__version__', 'compat', 'datasets', 'engine', 'evaluation', 'models']

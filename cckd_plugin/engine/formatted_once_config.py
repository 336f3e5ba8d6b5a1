"""A config whose yapf-formatted text is computed once per content."""
import copy
from collections import OrderedDict

from mmengine.config import Config


class FormattedOnceConfig(Config):
    """mmengine's ``Config`` that formats its text (``pretty_text``) once per
    content.

    mmengine's runner formats the whole config with yapf for the log, the config
    dumps, the message hub and the meta of every checkpoint it saves: 13 times
    in a 3-epoch run, 0.2-0.5 s each for a distillation config, half the wall
    time of a short CPU run. Here the formatted text is kept under the
    unformatted one (mmengine's own text without yapf, a few milliseconds), so
    every call returns exactly mmengine's string and a config changed in
    between is formatted again. ``KeepConfigRunner`` runs on one.
    """
    _formatted: 'OrderedDict[str, str]' = OrderedDict()  # unformatted -> formatted
    _KEEP = 8

    @classmethod
    def of(cls, cfg: Config) -> 'FormattedOnceConfig':
        """A deep copy of ``cfg`` (its keys, file name and text) of this class."""
        other = copy.deepcopy(cfg)
        object.__setattr__(other, '__class__', cls)
        return other

    @property
    def pretty_text(self) -> str:
        if not self._format_python_code:
            return super().pretty_text
        object.__setattr__(self, '_format_python_code', False)
        try:
            plain = super().pretty_text
        finally:
            object.__setattr__(self, '_format_python_code', True)
        formatted = self._formatted.get(plain)
        if formatted is None:
            formatted = self._formatted[plain] = super().pretty_text
            while len(self._formatted) > self._KEEP:
                self._formatted.popitem(last=False)
        return formatted

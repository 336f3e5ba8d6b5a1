"""A ``type`` that the plugin builds itself must name a registered class; the
error names the config key and lists the valid types."""
import difflib
from typing import List, Optional

from mmengine.registry import Registry


def registered_types(registry: Registry, base: Optional[type] = None) -> List[str]:
    """Names registered in ``registry`` (and its parents), optionally only
    subclasses of ``base``."""
    names, current = {}, registry
    while current is not None:
        for name, cls in current.module_dict.items():
            names.setdefault(name, cls)
        current = current.parent
    return sorted(name for name, cls in names.items()
                  if base is None or (isinstance(cls, type) and issubclass(cls, base)))


def check_type(registry: Registry, cfg: dict, key: str, base: Optional[type] = None,
               what: str = 'type') -> None:
    """Raise unless ``cfg['type']`` is registered (and a ``base`` subclass).

    Raises:
        ValueError: ``"<key>.type 'X' is not a <what>; did you mean 'Y'? valid
        types: ..."``.
    """
    kind = dict(cfg).get('type')
    if not isinstance(kind, str):  # a class given directly
        return
    valid = registered_types(registry, base)
    if kind in valid:
        return
    close = difflib.get_close_matches(kind, valid, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ''
    raise ValueError(f"{key}.type {kind!r} is not a {what}{hint} valid types: "
                     f"{', '.join(valid)}")

"""How a saved state dict differs from a model's: the one comparison behind
every strict load (checkpoints, teacher checkpoints, open_clip files)."""
from typing import Dict, List, Mapping, Tuple


def weight_differences(own: Mapping, saved: Mapping
                       ) -> Tuple[List[str], List[str], List[str]]:
    """``(missing, unexpected, mis-shaped)`` keys of ``saved`` against ``own``
    (both ``name -> tensor``), each in its dict's order."""
    missing = [k for k in own if k not in saved]
    unexpected = [k for k in saved if k not in own]
    shapes = [k for k in saved if k in own and hasattr(saved[k], 'shape')
              and tuple(saved[k].shape) != tuple(own[k].shape)]
    return missing, unexpected, shapes


def shape_note(key: str, own: Dict, saved: Dict) -> str:
    """``key is (..) in the file, (..) in the model``."""
    return (f'{key} is {tuple(saved[key].shape)} in the file, '
            f'{tuple(own[key].shape)} in the model')

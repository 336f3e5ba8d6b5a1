from .class_balanced_mix import ClassBalancedMix
from .weight_fit import shape_note, weight_differences

__all__ = ['ClassBalancedMix', 'shape_note', 'weight_differences']

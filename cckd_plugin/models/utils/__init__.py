from .class_balanced_mix import ClassBalancedMix

__all__ = ['ClassBalancedMix']

from .shot_group_accuracy import ShotGroupAccuracy, shot_groups

__all__ = ['ShotGroupAccuracy', 'shot_groups']

from .shot_group_accuracy import (GROUPS, SHOT_KEYS, ShotGroupAccuracy, shot_groups,
                                  shot_table)

__all__ = ['GROUPS', 'SHOT_KEYS', 'ShotGroupAccuracy', 'shot_groups', 'shot_table']

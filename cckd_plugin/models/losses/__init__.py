from .balanced_softmax_loss import BalancedSoftmaxLoss
from .cdt_loss import CDTLoss
from .class_counts_loss import ClassCountsLoss, soft_cross_entropy
from .lade_loss import LADELoss
from .logit_adjust_loss import LogitAdjustLoss

__all__ = [
    'BalancedSoftmaxLoss', 'CDTLoss', 'ClassCountsLoss', 'LADELoss', 'LogitAdjustLoss',
    'soft_cross_entropy'
]

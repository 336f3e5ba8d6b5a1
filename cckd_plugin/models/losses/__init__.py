from .balanced_softmax_loss import BalancedSoftmaxLoss
from .cdt_loss import CDTLoss
from .class_balanced_ce_loss import ClassBalancedCELoss
from .class_counts_loss import ClassCountsLoss
from .distillation_losses import (CCKDLoss, CCKDMixLoss, DiVELoss, FeatureImitationLoss,
                                  KDLoss, SupMixLoss, WKDLoss, class_conditional_target,
                                  inverse_frequency_weights)
from .lade_loss import LADELoss
from .ldam_loss import LDAMLoss
from .logit_adjust_loss import LogitAdjustLoss

__all__ = [
    'BalancedSoftmaxLoss', 'CCKDLoss', 'CCKDMixLoss', 'CDTLoss', 'ClassBalancedCELoss',
    'ClassCountsLoss', 'DiVELoss', 'FeatureImitationLoss', 'KDLoss', 'LADELoss',
    'LDAMLoss', 'LogitAdjustLoss',
    'SupMixLoss', 'WKDLoss', 'class_conditional_target', 'inverse_frequency_weights'
]

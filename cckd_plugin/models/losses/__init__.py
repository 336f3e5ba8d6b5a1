from .balanced_softmax_loss import BalancedSoftmaxLoss
from .cckd_loss import CCKDLoss, CCKDMixLoss, class_conditional_target
from .cdt_loss import CDTLoss
from .class_balanced_ce_loss import ClassBalancedCELoss
from .class_counts_loss import ClassCountsLoss
from .dive_loss import DiVELoss
from .feature_imitation_loss import FeatureImitationLoss
from .kd_loss import KDLoss
from .lade_loss import LADELoss
from .ldam_loss import LDAMLoss
from .logit_adjust_loss import LogitAdjustLoss
from .sup_mix_loss import SupMixLoss
from .wkd_loss import WKDLoss, inverse_frequency_weights

__all__ = [
    'BalancedSoftmaxLoss', 'CCKDLoss', 'CCKDMixLoss', 'CDTLoss', 'ClassBalancedCELoss',
    'ClassCountsLoss', 'DiVELoss', 'FeatureImitationLoss', 'KDLoss', 'LADELoss',
    'LDAMLoss', 'LogitAdjustLoss',
    'SupMixLoss', 'WKDLoss', 'class_conditional_target', 'inverse_frequency_weights'
]

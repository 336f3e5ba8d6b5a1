from .class_map_cls_head import ClassMapClsHead, resolve_source_classes
from .class_weights_file import load_class_weights, save_class_weights
from .cosine_cls_head import CosineClsHead
from .lws_cls_head import LWSClsHead
from .ncm_cls_head import NCMClsHead, class_means
from .prototype_cls_head import PrototypeClsHead
from .zero_shot_cls_head import ZeroShotClsHead, readable_class_names, zero_shot_weights

__all__ = [
    'ClassMapClsHead', 'CosineClsHead', 'LWSClsHead', 'NCMClsHead', 'PrototypeClsHead',
    'ZeroShotClsHead', 'class_means', 'load_class_weights', 'readable_class_names',
    'resolve_source_classes', 'save_class_weights', 'zero_shot_weights'
]

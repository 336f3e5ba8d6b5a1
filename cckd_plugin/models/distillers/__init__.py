from .class_conditional_distiller import ClassConditionalDistiller
from .image_view import ImageView
from .pair_data_preprocessor import PairDataPreprocessor

__all__ = ['ClassConditionalDistiller', 'ImageView', 'PairDataPreprocessor']

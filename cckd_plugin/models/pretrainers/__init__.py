from .coarse_label_simclr import CoarseLabelSimCLR

__all__ = ['CoarseLabelSimCLR']

# The ImageNet-LT / iNaturalist 2018 student network, the same for every row of a
# table (CE and LA baselines and every distilled student, under each teacher):
# MMPretrain's ResNet-18, a linear layer from its pooled 512-d feature to 768-d (the
# CLIP teachers' class-token width: Section 3.4's align layer, "at the end of the
# student model's feature encoder") trained with batch normalisation after it, and a
# cosine classifier (scale 25) on the 768-d feature with the logit-adjusted loss.
# At inference the normalisation is a fixed affine map that folds into the linear
# layer: 12.338 M parameters with 1,000 classes (Table 1: 12.3 M), plus 1,536 for the
# normalisation while training. Appendix C: "In the fine-tuning of the teacher model
# as well as in the student model, we use the cosine classifier." Why the
# normalisation: docs/conventions.md, section 5.
# The backbone is MMPretrain's (mmpretrain::_base_/models/resnet18.py).
model = dict(
    type='ImageClassifier',
    backbone=dict(type='ResNet', depth=18, num_stages=4, out_indices=(3, ),
                  style='pytorch'),
    neck=dict(type='LinearNeck', in_channels=512, out_channels=768,
              gap_dim=2, norm_cfg=dict(type='BN1d'), act_cfg=None),
    head=dict(type='CosineClsHead', num_classes=1000, in_channels=768,
              scale=25.0, loss=dict(type='LogitAdjustLoss')),
)

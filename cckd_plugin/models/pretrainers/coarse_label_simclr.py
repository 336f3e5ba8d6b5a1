"""Pre-training a tower without its target's fine labels: SimCLR plus coarse labels."""
from typing import Dict, List

import torch
import torch.nn.functional as F
from mmpretrain.models.selfsup import SimCLR
from mmpretrain.models.selfsup.simclr import GatherLayer
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample


@MODELS.register_module()
class CoarseLabelSimCLR(SimCLR):
    """MMPretrain's SimCLR with a second, supervised term on coarse labels.

    Each image comes as two augmented views (MMPretrain's ``MultiView``); the
    backbone's features ``(2N, D)`` of both views feed SimCLR's projection
    neck and contrastive head (``loss_contrastive``: every view must pick its
    partner among the ``2N - 1`` others) and ``coarse_head``, a classifier of
    the images' coarse labels (``loss_coarse``, on both views). The
    contrastive term keeps what tells two images of one coarse class apart,
    the coarse term gives the features semantic groups: a tower that knows
    the images without ever being taught the fine classes, as CLIP knows
    images it was never given a target's labels for.

    Args:
        backbone, neck, head: as :class:`mmpretrain.models.selfsup.SimCLR`.
        coarse_head: a ``ClsHead`` config on the backbone's feature
            (``LinearClsHead`` with ``num_classes`` coarse classes).
        coarse_weight: weight of ``loss_coarse``.
        **kwargs: passed to ``SimCLR`` (``data_preprocessor``, ``init_cfg``).
    """

    def __init__(self, backbone: dict, neck: dict, head: dict, coarse_head: dict,
                 coarse_weight: float = 1.0, **kwargs):
        super().__init__(backbone=backbone, neck=neck, head=head, **kwargs)
        self.coarse_head = MODELS.build(coarse_head)
        self.coarse_weight = float(coarse_weight)

    def loss(self, inputs: List[torch.Tensor], data_samples: List[DataSample],
             **kwargs) -> Dict[str, torch.Tensor]:
        """Two views ``[(N, C, H, W)] * 2`` and their ``N`` data samples (coarse
        ``gt_label``) -> ``loss_contrastive`` and ``loss_coarse``."""
        if not isinstance(inputs, list) or len(inputs) != 2:
            raise ValueError('CoarseLabelSimCLR needs two views per image: use '
                             "dict(type='MultiView', num_views=2, ...) in the pipeline")
        views = torch.stack(inputs, 1).flatten(0, 1)  # (2N, C, H, W): pairs adjacent
        feats = self.backbone(views)
        z = F.normalize(self.neck(feats)[0], dim=1)
        z = torch.cat(GatherLayer.apply(z), dim=0)  # (2N', d) over every process
        similarity = z @ z.t()
        mask, pos_idx, neg_mask = self._create_buffer(z.size(0) // 2, z.device)
        similarity = torch.masked_select(similarity, mask == 1).reshape(z.size(0), -1)
        positive = similarity[pos_idx].unsqueeze(1)  # (2N', 1)
        negative = torch.masked_select(similarity, neg_mask == 1).reshape(z.size(0), -1)
        labels = torch.cat([s.gt_label for s in data_samples]).to(views.device)
        logits = self.coarse_head(feats)
        coarse = self.coarse_head.loss_module(
            logits, labels.repeat_interleave(2), avg_factor=logits.size(0))
        return dict(loss_contrastive=self.head.loss(positive, negative),
                    loss_coarse=self.coarse_weight * coarse)

"""ClassConditionalDistiller: a student, a frozen pre-trained teacher and the
KD / WKD / DiVE / CCKD / ACCKD objectives (DESIGN.md sections 3 and 4)."""
import os.path as osp
from typing import Dict, List, Optional, Sequence, Union

import numpy as np
import torch
import torch.nn as nn
from mmengine.config import Config
from mmengine.dist import get_dist_info
from mmengine.logging import MMLogger
from mmengine.model import BaseModel
from mmengine.runner.checkpoint import CheckpointLoader, load_state_dict
from mmpretrain.registry import BATCH_AUGMENTS, MODELS

from ..losses.distill_functional import check_prior
from .image_view import ImageView
from .pair_data_preprocessor import PairDataPreprocessor

METHODS = ('kd', 'wkd', 'dive', 'cckd', 'acckd')
ACCKD_TERMS = ('cckd', 'cckd_mix', 'sup_mix', 'fi', 'fi_mix')


def _feature_dim(classifier: nn.Module) -> Optional[int]:
    return getattr(getattr(classifier, 'head', None), 'in_channels', None)


@MODELS.register_module()
class ClassConditionalDistiller(BaseModel):
    """Distil a frozen teacher into a student on long-tailed data.

    Training objective by ``distill['method']`` (``z``/``t``: student/teacher
    logits, all terms batch means, each logged by name):

    * ``kd``: ``L_sup + KD(tau=1)``; ``wkd``: ``L_sup + WKD(tau=1)``;
    * ``dive``: ``DiVE`` alone (it holds its balanced-softmax term);
    * ``cckd``: ``L_sup + a1 * CCKD(tau=2)``;
    * ``acckd``: ``L_sup + L_sup_mix + a1 (L_cckd + L_cckd_mix) + a2 (L_fi + L_fi_mix)``
      with ``a1 = 1``, ``a2 = 2``; ``terms`` switches single terms off (the
      paper's Table 3) and ``feature_imitation=False`` drops FI and the align
      layer (CIFAR-100 in the paper).

    ``L_sup`` is the student head's own loss (LA by default). The teacher runs
    in eval mode without gradients (autocast on a GPU) on its own view of the
    same raw pixels: resized to its resolution, its mean / std. Priors
    ``teacher_prior``, ``train_prior`` and ``test_prior`` are buffers, filled
    once before training by ``TeacherPriorHook`` and saved in checkpoints.
    Prediction and validation use the student alone.

    Args:
        student: an MMPretrain classifier config (no data preprocessor).
        teacher: a teacher classifier config, or the path of a teacher config
            file (``configs/teachers/...``) whose ``model`` is used.
        teacher_ckpt: checkpoint of the teacher (``None``: the weights come
            from the teacher config itself, e.g. CLIP's pretrained tag).
        distill: ``method`` plus optional ``tau``, ``alpha1``, ``alpha2``,
            ``terms``, ``feature_imitation``, ``dive=dict(power, alpha)``.
        priors: ``teacher`` (``'val'`` or ``'balanced_train'``), ``train``
            (``'teacher'``: Eq. 4, or ``'labels'``), ``test`` (``None``: uniform,
            or a list).
        teacher_view: ``dict(mean, std, size)`` of the teacher input;
            default: the teacher backbone's ``mean`` / ``std`` / ``input_size``
            (CLIP), else the teacher's own data preprocessor, else the
            student's statistics, at the input size.
        mix: the ``ClassBalancedMix`` config.
        data_preprocessor: the student's normalisation (``mean``, ``std``,
            ``to_rgb``), usually the config's top-level ``data_preprocessor``.
        seed: seed of the mixing random numbers (with the epoch and the rank).
        channels_last: keep both networks' 4-D weights and inputs in the
            channels-last layout (faster convolutions on CPUs and GPUs alike).
    """

    def __init__(self, student: dict, teacher: Union[dict, str], distill: dict,
                 teacher_ckpt: Optional[str] = None, priors: Optional[dict] = None,
                 teacher_view: Optional[dict] = None,
                 mix: dict = dict(type='ClassBalancedMix', alpha=0.5, mixup_prob=0.5),
                 data_preprocessor: Optional[dict] = None, seed: int = 0,
                 channels_last: bool = True, init_cfg=None):
        norm = dict(data_preprocessor or {})
        super().__init__(data_preprocessor=PairDataPreprocessor(), init_cfg=init_cfg)
        self.method = distill.get('method')
        if self.method not in METHODS:
            raise ValueError(f'distill.method must be one of {METHODS}, got '
                             f'{self.method!r}')
        self.student = MODELS.build(student)
        if not hasattr(self.student.head, 'loss_module'):
            raise ValueError('model.student.head has no loss: use an MMPretrain ClsHead '
                             '(LinearClsHead, CosineClsHead, ...)')
        if isinstance(teacher, str):
            if not osp.isfile(teacher):
                raise FileNotFoundError(f'model.teacher config not found: {teacher}')
            teacher_cfg = Config.fromfile(teacher)
            teacher = teacher_cfg.model.to_dict()
            teacher.setdefault('data_preprocessor', teacher_cfg.get('data_preprocessor'))
        self.teacher = MODELS.build(teacher)
        self.num_classes = self.student.head.num_classes
        if self.teacher.head.num_classes != self.num_classes:
            raise ValueError(f'teacher has {self.teacher.head.num_classes} classes but the '
                             f'student {self.num_classes} (model.teacher.head.num_classes)')
        self.teacher_ckpt = teacher_ckpt
        if teacher_ckpt is not None:
            self._load_teacher(teacher_ckpt)
        self.teacher.requires_grad_(False)
        self.teacher.eval()
        self.channels_last = channels_last
        if channels_last:  # in place from here on: init and checkpoint loading copy into it
            self.student.to(memory_format=torch.channels_last)
            self.teacher.to(memory_format=torch.channels_last)

        self.student_view = ImageView(norm.get('mean', [0.0]), norm.get('std', [1.0]),
                                      to_rgb=norm.get('to_rgb', False))
        view = dict(teacher_view or {})
        backbone = self.teacher.backbone
        own = self.teacher.data_preprocessor  # the teacher config's normalisation
        own_mean = getattr(own, 'mean', None)
        own_std = getattr(own, 'std', None)
        view.setdefault('mean', getattr(backbone, 'mean', None) or (
            own_mean.flatten().tolist() if own_mean is not None else norm.get('mean', [0.0])))
        view.setdefault('std', getattr(backbone, 'std', None) or (
            own_std.flatten().tolist() if own_std is not None else norm.get('std', [1.0])))
        view.setdefault('size', getattr(backbone, 'input_size', None))
        self.teacher_view = ImageView(view['mean'], view['std'], view['size'],
                                      to_rgb=norm.get('to_rgb', False))

        self._setup_losses(distill)
        self.mix = BATCH_AUGMENTS.build(mix)
        self.seed = seed
        self.set_epoch(0)

        priors = dict(priors or {})
        self.prior_sources = dict(teacher=priors.get('teacher', 'val'),
                                  train=priors.get('train', 'teacher'))
        if self.prior_sources['teacher'] not in ('val', 'balanced_train'):
            raise ValueError("priors.teacher must be 'val' or 'balanced_train'")
        if self.prior_sources['train'] not in ('teacher', 'labels'):
            raise ValueError("priors.train must be 'teacher' or 'labels'")
        uniform = torch.full((self.num_classes, ), 1.0 / self.num_classes)
        test = priors.get('test')
        test = uniform if test is None else check_prior(
            torch.tensor(test, dtype=torch.float32), self.num_classes, 'priors.test')
        self.register_buffer('teacher_prior', uniform.clone())
        self.register_buffer('train_prior', uniform.clone())
        self.register_buffer('test_prior', test.clone())
        self.register_buffer('priors_ready', torch.tensor(False))
        self.register_buffer('class_counts', None, persistent=False)

    # -- construction ----------------------------------------------------------
    def _load_teacher(self, path: str) -> None:
        """Load the teacher's weights (safe loading); a file with missing
        backbone weights or any weight of another shape is an error."""
        if not osp.isfile(path):
            raise FileNotFoundError(f'teacher_ckpt not found: {path}')
        ckpt = CheckpointLoader.load_checkpoint(path, map_location='cpu', logger='silent')
        saved = ckpt.get('state_dict', ckpt)
        saved = {k[len('module.'):] if k.startswith('module.') else k: v
                 for k, v in saved.items()}
        own = self.teacher.state_dict()
        missing = [k for k in own if k.startswith('backbone.') and k not in saved]
        if missing:
            raise ValueError(f'teacher_ckpt {path} does not fit model.teacher: '
                             f'{len(missing)} backbone weights missing (e.g. {missing[0]})')
        wrong = [k for k, v in saved.items() if k in own and v.shape != own[k].shape]
        if wrong:
            raise ValueError(f'teacher_ckpt {path} does not fit model.teacher: {wrong[0]} '
                             f'is {tuple(saved[wrong[0]].shape)} in the file but '
                             f'{tuple(own[wrong[0]].shape)} in the model')
        load_state_dict(self.teacher, saved, strict=False, logger='silent')

    def _setup_losses(self, distill: dict) -> None:
        method = self.method
        tau = distill.get('tau', 2.0 if method in ('cckd', 'acckd') else 1.0)
        self.alpha1 = distill.get('alpha1', 1.0)
        self.alpha2 = distill.get('alpha2', 2.0)
        terms = dict.fromkeys(ACCKD_TERMS, method == 'acckd')
        terms['cckd'] = method in ('cckd', 'acckd')
        unknown = set(distill.get('terms', {})) - set(ACCKD_TERMS)
        if unknown:
            raise ValueError(f'distill.terms: unknown {sorted(unknown)}; known: '
                             f'{ACCKD_TERMS}')
        if method == 'acckd':
            terms.update(distill.get('terms', {}))
        if not distill.get('feature_imitation', True):
            terms['fi'] = terms['fi_mix'] = False
        self.terms = terms
        self.distill_loss = {
            'kd': dict(type='KDLoss', tau=tau), 'wkd': dict(type='WKDLoss', tau=tau),
            'dive': dict(type='DiVELoss', tau=tau, **distill.get('dive', {})),
        }.get(method)
        if self.distill_loss is not None:
            self.distill_loss = MODELS.build(self.distill_loss)
        self.cckd = MODELS.build(dict(type='CCKDLoss', tau=tau))
        self.cckd_mix = MODELS.build(dict(type='CCKDMixLoss', tau=tau))
        self.sup_mix = MODELS.build(dict(type='SupMixLoss'))
        self.fi = MODELS.build(dict(type='FeatureImitationLoss'))
        self.align = None
        if terms['fi'] or terms['fi_mix']:
            d_s, d_t = _feature_dim(self.student), _feature_dim(self.teacher)
            if d_s is None or d_t is None:
                raise ValueError('feature imitation needs head.in_channels on the student '
                                 'and the teacher for the align layer; set '
                                 'distill.feature_imitation=False')
            self.align = nn.Linear(d_s, d_t)

    def init_weights(self) -> None:
        """Initialise the student (and the teacher only when no ``teacher_ckpt``
        gave its weights: its config's own ``init_cfg`` then applies)."""
        if hasattr(self.student, 'init_weights'):
            self.student.init_weights()
        if self.teacher_ckpt is None and hasattr(self.teacher, 'init_weights'):
            self.teacher.init_weights()

    # -- helpers -----------------------------------------------------------------
    def set_epoch(self, epoch: int) -> None:
        """Reseed the mixing generator from ``(seed, epoch, rank)`` (``EpochSeedHook``
        calls it before every epoch, so a resumed run mixes as the original)."""
        rank, _ = get_dist_info()
        self.rng = np.random.default_rng([self.seed, epoch, rank])

    @property
    def needs_mix(self) -> bool:
        """Whether the objective uses the mixed batch (and so partner images)."""
        return self.terms['cckd_mix'] or self.terms['sup_mix'] or self.terms['fi_mix']

    @property
    def head(self):
        """The student's head (``ClassCountsHook`` checks counts against it)."""
        return self.student.head

    def set_class_counts(self, class_counts: Sequence[int]) -> None:
        self.class_counts = torch.as_tensor(class_counts, dtype=torch.float32)

    def train(self, mode: bool = True):
        super().train(mode)
        self.teacher.eval()  # frozen, always
        return self

    @torch.no_grad()
    def teacher_forward(self, pixels: torch.Tensor):
        """Raw pixels ``(B, C, H, W)`` -> teacher ``(logits (B, K), features (B, D))``."""
        view = self._layout(self.teacher_view(pixels))
        use_amp = view.is_cuda
        dtype = torch.bfloat16 if use_amp and torch.cuda.is_bf16_supported() else torch.float16
        with torch.autocast(device_type='cuda', dtype=dtype, enabled=use_amp):
            feats = self.teacher.extract_feat(view)
            logits = self.teacher.head(feats)
        return logits.float(), feats[-1].float()

    def _layout(self, images: torch.Tensor) -> torch.Tensor:
        if self.channels_last and images.dim() == 4:
            return images.contiguous(memory_format=torch.channels_last)
        return images

    def student_forward(self, pixels: torch.Tensor):
        feats = self.student.extract_feat(self._layout(self.student_view(pixels)))
        return self.student.head(feats), feats

    # -- BaseModel interface -------------------------------------------------------
    def forward(self, inputs: torch.Tensor, data_samples=None, mode: str = 'tensor',
                **kwargs):
        if mode == 'loss':
            return self.loss(inputs, data_samples, **kwargs)
        if mode == 'predict':
            return self.student.predict(self._layout(self.student_view(inputs)), data_samples)
        return self.student(self._layout(self.student_view(inputs)), mode='tensor')

    def loss(self, inputs: torch.Tensor, data_samples: List, partner_inputs=None,
             partner_data_samples=None) -> Dict[str, torch.Tensor]:
        labels = torch.cat([s.gt_label for s in data_samples]).to(inputs.device)
        needs_mix = self.needs_mix
        if needs_mix and partner_inputs is None:
            raise ValueError(f"distill.method='{self.method}' needs partner images: use "
                             f"ClassBalancedPairDataset as train_dataloader.dataset")
        batch = inputs
        if needs_mix:
            mixed, _, _ = self.mix(inputs, partner_inputs, self.rng)
            batch = torch.cat([inputs, mixed])
        t_logits, t_feats = self.teacher_forward(batch)
        s_logits, s_feats = self.student_forward(batch)
        n = inputs.size(0)
        z, t = s_logits[:n], t_logits[:n]
        losses = {}
        if self.method != 'dive':  # the student head's own (supervised) loss
            losses['loss_sup'] = self.student.head.loss_module(z, labels, avg_factor=n)
        if self.method in ('wkd', 'dive'):
            losses[f'loss_{self.method}'] = self.distill_loss(z, t, labels,
                                                              self._counts(z))
        elif self.method == 'kd':
            losses['loss_kd'] = self.distill_loss(z, t)
        if self.terms['cckd']:
            losses['loss_cckd'] = self.alpha1 * self.cckd(
                z, t, self.teacher_prior, self.train_prior, self.test_prior)
        if needs_mix:
            z_mix, t_mix = s_logits[n:], t_logits[n:]
            labels_a = torch.cat([s.gt_label for s in partner_data_samples]).to(z.device)
            if self.terms['sup_mix']:
                losses['loss_sup_mix'] = self.sup_mix(z_mix, t_mix, labels_a, labels)
            if self.terms['cckd_mix']:
                losses['loss_cckd_mix'] = self.alpha1 * self.cckd_mix(
                    z_mix, t_mix, self.teacher_prior)
        if self.align is not None:
            aligned = self.align(s_feats[-1])
            if self.terms['fi']:
                losses['loss_fi'] = self.alpha2 * self.fi(
                    aligned[:n], t_feats[:n], labels, self._counts(z))
            if self.terms['fi_mix'] and needs_mix:
                losses['loss_fi_mix'] = self.alpha2 * self.fi(aligned[n:], t_feats[n:])
        return losses

    def _counts(self, like: torch.Tensor) -> torch.Tensor:
        if self.class_counts is None:
            raise RuntimeError('ClassConditionalDistiller: no class counts; keep '
                               'ClassCountsHook in custom_hooks')
        return self.class_counts.to(like.device)

    def set_priors(self, teacher_prior: torch.Tensor, train_prior: torch.Tensor) -> None:
        """Store estimated priors (each ``(C,)``, summing to 1)."""
        self.teacher_prior.copy_(check_prior(teacher_prior.float(), self.num_classes,
                                             'teacher_prior'))
        self.train_prior.copy_(check_prior(train_prior.float(), self.num_classes,
                                           'train_prior'))
        self.priors_ready.fill_(True)
        logger = MMLogger.get_current_instance()
        fmt = lambda p: np.array2string(p.cpu().numpy(), precision=4, max_line_width=200)  # noqa
        logger.info(f'priors: teacher {fmt(self.teacher_prior)}; train '
                    f'{fmt(self.train_prior)}; test {fmt(self.test_prior)}')

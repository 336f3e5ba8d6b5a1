"""ClassConditionalDistiller: a student, a frozen pre-trained teacher and the
KD / WKD / DiVE / CCKD / ACCKD objectives (docs/conventions.md)."""
import contextlib
from typing import Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
import torch
import torch.nn as nn
from mmengine.dist import get_dist_info
from mmengine.logging import MMLogger
from mmengine.model import BaseModel
from mmpretrain.registry import BATCH_AUGMENTS, MODELS

from ...registry_check import check_type
from ...teacher_cache import CachedTeacher
from ..heads.head_preparation import prepare_classifier
from ..losses import ClassCountsLoss
from ..losses.functional import check_prior, safe_log
from ..utils import ClassBalancedMix
from .distill_settings import resolve_distill
from .frozen_teacher import build_frozen_teacher, prepare_teacher, resolve_teacher_ckpt
from .image_view import ImageView, teacher_view_of
from .model_configs import (check_no_plain_lora_model, feature_dim, read_model_config,
                            spec_key, student_config, teacher_feature_dim)
from .pair_data_preprocessor import PairDataPreprocessor
from .student_settings import (check_class_counts, check_no_batch_augments,
                               check_student_channels, head_takes_targets,
                               is_sigmoid_loss, student_normalisation)
from .teacher_accuracy_check import (POLICIES, check_teacher_accuracy,
                                     recorded_val_accuracy, unchanged_random_state)
from .teacher_outputs import TeacherOutputs, check_precision


def _drop_teacher_weights(state_dict, prefix, *args) -> None:
    """A student-only distiller skips the teacher entries of a checkpoint."""
    for key in [k for k in state_dict if k.startswith(prefix + 'teacher.')]:
        del state_dict[key]


@MODELS.register_module()
class ClassConditionalDistiller(BaseModel):
    """Distil a frozen teacher into a student on long-tailed data.

    Training objective by ``distill['method']`` (``z``/``t``: student/teacher
    logits, all terms batch means, each logged by name; defaults of
    :func:`resolve_distill`, the paper's Appendix C):

    * ``kd``: ``L_sup + KD(tau=1)``; ``wkd``: ``L_sup + WKD(tau=1)``;
    * ``dive``: ``DiVE`` alone (it holds its balanced-softmax term);
    * ``cckd``: ``L_sup + a1 * CCKD(tau=2)``;
    * ``acckd``: ``L_sup + L_sup_mix + a1 (L_cckd + L_cckd_mix) + a2 (L_fi + L_fi_mix)``
      with ``a1 = 1``, ``a2 = 2``; ``terms`` switches single terms off (the
      paper's Table 3 and Figure 9) and ``feature_imitation=False`` drops FI
      and the align layer (CIFAR-100 in the paper).

    ``L_sup`` is the student head's own loss (LA by default). Feature
    imitation reads the feature the student's head reads; only where the
    student's and the teacher's feature sizes differ (or with
    ``distill.always_align``) is there a linear layer from one to the other,
    and ``distill.align`` places it: ``'encoder'`` (default, Section 3.4) at
    the end of the student's encoder, so the student's head reads the aligned
    feature and the exported student keeps the layer; ``'branch'`` on a side
    branch that only feature imitation uses. The teacher runs in eval mode
    without gradients (autocast on a GPU) on its own view of the same raw
    pixels: resized to its resolution (bicubic), its mean / std. Priors
    ``teacher_prior``, ``train_prior`` and ``test_prior`` are buffers, filled
    once before training by :meth:`prepare` and saved in checkpoints.
    Prediction and validation use the student alone.

    Args:
        student: an MMPretrain classifier config (no data preprocessor), or
            the path of a config file whose ``model`` is the student.
        teacher: a teacher classifier config, or the path of a teacher config
            file (``configs/teachers/...``) whose ``model`` is used.
        teacher_ckpt: checkpoint of the teacher: ``'auto'`` (a teacher config
            that trains: the last checkpoint ``tools/train.py`` writes for it,
            ``work_dirs/<its name>/epoch_<max_epochs>.pth``; a zero-shot / NCM
            or inline teacher: none), ``dict(trained_by=CONFIG)`` (the last
            checkpoint of another config's run), a path, or ``None`` (the
            weights come from the teacher config itself, e.g. CLIP's tag).
        distill: ``method`` plus optional ``tau``, ``alpha1``, ``alpha2``,
            ``terms``, ``feature_imitation``, ``align``, ``always_align``,
            ``dive=dict(power, alpha)``.
        priors: ``teacher`` (``'val'`` or ``'balanced_train'``), ``train``
            (``'teacher'``: Eq. 4, or ``'labels'``), ``test`` (``None``: uniform,
            or a list).
        teacher_view: ``dict(mean, std, size, interpolation)`` of the teacher
            input; default: the teacher backbone's ``mean`` / ``std`` /
            ``input_size`` (CLIP), else the teacher's own data preprocessor,
            else the student's statistics, at the input size; bicubic.
        mix: the ``ClassBalancedMix`` config.
        data_preprocessor: the student's normalisation (``mean``, ``std``,
            ``to_rgb``), usually the config's top-level ``data_preprocessor``.
        seed: seed of the mixing random numbers (with the epoch and the rank).
        channels_last: keep both networks' 4-D weights and inputs in the
            channels-last layout (faster convolutions on CPUs and GPUs alike).
        teacher_precision: autocast of the teacher's forward: ``'auto'``
            (bf16 or fp16 on a GPU, fp32 on the CPU), ``'bf16'``, ``'fp16'`` or
            ``'fp32'``; the losses are always computed in fp32.
        student_only: build the student alone (``tools/test.py`` evaluates a
            distillation checkpoint this way: no teacher weights are read or
            downloaded, the checkpoint's teacher entries are skipped).
        teacher_cache: a teacher replay cache folder written by
            ``tools/cache_teacher.py`` for this run's views: the training steps
            read the teacher's outputs from it instead of running the teacher
            (``TeacherCacheHook`` checks its key first; docs/teacher_cache.md).
        teacher_cache_missing: an epoch the cache lacks ``'stop'``s the run
            (default) or runs the ``'teacher'`` online.
        weak_teacher: a teacher at or below chance on the validation split, or
            under half of the validation accuracy its checkpoint recorded (a
            class order that is not the data's, other data), ``'stop'``s the
            run before training (default) or gets a ``'warn'``ing
            (``teacher_accuracy_check.py``).
    """

    def __init__(self,
                 student: Union[dict, str],
                 teacher: Union[dict, str],
                 distill: dict,
                 teacher_ckpt: Union[str, dict, None] = 'auto',
                 priors: Optional[dict] = None,
                 teacher_view: Optional[dict] = None,
                 mix: dict = dict(type='ClassBalancedMix', alpha=0.5, mixup_prob=0.5),
                 data_preprocessor: Optional[dict] = None,
                 seed: int = 0,
                 channels_last: bool = True,
                 teacher_precision: str = 'auto',
                 student_only: bool = False,
                 teacher_cache: Optional[str] = None,
                 teacher_cache_missing: str = 'stop',
                 weak_teacher: str = 'stop',
                 init_cfg=None):
        norm = dict(data_preprocessor or {})
        super().__init__(data_preprocessor=PairDataPreprocessor(), init_cfg=init_cfg)
        check_precision(teacher_precision)  # before anything is built
        if weak_teacher not in POLICIES:
            raise ValueError(f'model.weak_teacher must be one of {list(POLICIES)}, '
                             f'got {weak_teacher!r}')
        self.weak_teacher = weak_teacher
        self.settings = resolve_distill(distill)
        self.method = self.settings.method
        self.terms = self.settings.terms
        self.student_only = student_only
        self._student_spec = student
        # every check that needs no weights, before anything is built or downloaded
        teacher_ckpt = None if student_only else resolve_teacher_ckpt(teacher,
                                                                      teacher_ckpt)
        teacher_cfg, checkpoint = prepare_teacher(teacher, teacher_ckpt)
        #: the teacher run's best validation top-1 (%), when its checkpoint says
        self.teacher_recorded_accuracy = recorded_val_accuracy(checkpoint)
        student_cfg = student_config(dict(student=student, teacher=teacher_cfg,
                                          distill=distill))
        self.num_classes = check_class_counts(student, student_cfg, teacher,
                                              teacher_cfg)
        check_no_plain_lora_model(student_cfg, 'model.student')
        check_no_plain_lora_model(teacher_cfg, 'model.teacher')
        as_written = read_model_config(student, 'model.student')  # its preprocessor
        norm = student_normalisation(
            norm, as_written, spec_key(student, 'model.student', 'data_preprocessor'))
        check_no_batch_augments(as_written,
                                lambda sub: spec_key(student, 'model.student', sub))
        check_student_channels(student, student_cfg, norm.get('mean'))
        self.student_cfg = student_cfg
        self.student = MODELS.build(student_cfg)
        if not hasattr(self.student.head, 'loss_module'):
            raise ValueError(
                'model.student.head has no loss: use an MMPretrain ClsHead '
                '(LinearClsHead, CosineClsHead, ...)')
        # a head whose training logits need the labels (student_settings.py)
        self._sup_takes_targets = head_takes_targets(self.student.head)
        self.teacher = None
        #: weights a strict checkpoint check leaves out (KeepConfigRunner)
        self.checkpoint_ignored_prefixes = ('teacher.', ) if student_only else ()
        if student_only:  # evaluation: the checkpoint's teacher weights are not needed
            self._register_load_state_dict_pre_hook(_drop_teacher_weights)
        else:
            self.teacher = build_frozen_teacher(teacher_cfg, checkpoint, teacher_ckpt)
        self.channels_last = channels_last
        if channels_last:  # in place from here on: init and checkpoints copy into it
            self.student.to(memory_format=torch.channels_last)
            if self.teacher is not None:
                self.teacher.to(memory_format=torch.channels_last)

        self.student_view = ImageView(norm.get('mean', [0.0]), norm.get('std', [1.0]),
                                      to_rgb=norm.get('to_rgb', False))
        self.teacher_view = None if student_only else \
            teacher_view_of(self.teacher, teacher_view, norm)

        self._setup_losses(teacher_cfg, student_cfg)
        check_type(BATCH_AUGMENTS, mix, 'model.mix', ClassBalancedMix,
                   'class-balanced mix')
        self.mix = BATCH_AUGMENTS.build(mix)
        #: the mixing's config and seed (with the epoch and rank): part of the
        #: views a teacher replay cache is written for
        self.mix_cfg, self.seed = mix, seed
        #: the teacher's outputs on a batch, computed or read from the replay cache
        self.teacher_outputs = None if student_only else TeacherOutputs(
            self.teacher, self.teacher_view, teacher_precision, channels_last,
            teacher_cfg, None if teacher_cache is None else CachedTeacher(
                teacher_cache, teacher_cache_missing,
                self.settings.feature_imitation))
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
        self._priors_checked = False

    # -- construction ----------------------------------------------------------
    def _setup_losses(self, teacher_cfg: dict, student_cfg: dict) -> None:
        settings = self.settings
        tau = settings.tau
        self.alpha1 = settings.alpha1
        self.alpha2 = settings.alpha2
        self.distill_loss = {
            'kd': dict(type='KDLoss', tau=tau), 'wkd': dict(type='WKDLoss', tau=tau),
            'dive': dict(type='DiVELoss', tau=tau, **settings.dive),
        }.get(settings.method)
        if self.distill_loss is not None:
            self.distill_loss = MODELS.build(self.distill_loss)
        self.cckd = MODELS.build(dict(type='CCKDLoss', tau=tau))
        self.cckd_mix = MODELS.build(dict(type='CCKDMixLoss', tau=tau))
        self.sup_mix = MODELS.build(dict(type='SupMixLoss'))
        loss = getattr(self.student.head, 'loss_module', None)
        sup = type(loss).__name__
        if is_sigmoid_loss(loss) and self.terms.get('sup'):
            MMLogger.get_current_instance().info(
                f"L_sup is the student head's {sup}, a sigmoid loss (each class a "
                f'binary decision); the distillation terms, L_sup_mix and the '
                f'predictions read the softmax of the same logits')
        if settings.needs_mix and self.terms.get('sup_mix'):
            if settings.sup_mix_loss == 'student':
                if not (isinstance(loss, ClassCountsLoss) or getattr(
                        loss, 'use_soft', False)):
                    raise ValueError(
                        f"model.distill.sup_mix_loss='student': the student head's "
                        f'{sup} takes no soft targets (the plugin\'s count-based '
                        f'losses and CrossEntropyLoss(use_soft=True) do)')
                MMLogger.get_current_instance().info(
                    f"L_sup and L_sup_mix are the student head's {sup}, on the mixed "
                    f"samples with Eq. 13's teacher-weighted soft target "
                    f"(distill.sup_mix_loss='student')")
            else:
                MMLogger.get_current_instance().info(
                    f'L_sup is the student head\'s {sup}; L_sup_mix is the paper\'s '
                    f'teacher-weighted cross-entropy on the mixed samples (Eq. 14) '
                    f"whatever L_sup is (distill.sup_mix_loss='student' swaps it)")
        self.fi = MODELS.build(dict(type='FeatureImitationLoss'))
        self.align = None
        if settings.align == 'branch':
            dims = feature_dim(student_cfg), teacher_feature_dim(teacher_cfg)
            if None in dims:
                raise ValueError(
                    'feature imitation needs model.student.head.in_channels and '
                    'model.teacher.head.in_channels for the align layer; set '
                    'model.distill.feature_imitation=False')
            if settings.needs_align_layer(*dims):
                self.align = nn.Linear(*dims)

    # -- helpers -----------------------------------------------------------------
    def set_epoch(self, epoch: int) -> None:
        """Reseed the mixing generator from ``(seed, epoch, rank)`` (``EpochSeedHook``
        calls it before every epoch, so a resumed run mixes as the original)."""
        rank, _ = get_dist_info()
        self.rng = np.random.default_rng([self.seed, epoch, rank])
        if self.teacher_outputs is not None:
            self.teacher_outputs.set_epoch(epoch)

    @property
    def needs_mix(self) -> bool:
        """Whether the objective uses the mixed batch (and so partner images)."""
        return self.settings.needs_mix

    @property
    def head(self) -> nn.Module:
        """The student's head (``ClassCountsHook`` checks counts against it)."""
        return self.student.head

    @property
    def head_config_key(self) -> str:
        """Where the config sets the student's head (for error messages)."""
        return spec_key(self._student_spec, 'model.student', 'head')

    def set_class_counts(self, class_counts: Sequence[int]) -> None:
        """The training class counts ``(C,)`` (``ClassCountsHook``): WKD, DiVE,
        feature imitation's class weights and ``priors.train='labels'``."""
        self.class_counts = torch.as_tensor(class_counts, dtype=torch.float32)

    def train(self, mode: bool = True) -> 'ClassConditionalDistiller':
        super().train(mode)
        if self.teacher is not None:
            self.teacher.eval()  # frozen, always
        return self

    def _layout(self, images: torch.Tensor) -> torch.Tensor:
        if self.channels_last and images.dim() == 4:
            return images.contiguous(memory_format=torch.channels_last)
        return images

    def student_forward(self, pixels: torch.Tensor
                        ) -> Tuple[torch.Tensor, Tuple[torch.Tensor, ...]]:
        """Raw pixels ``(B, C, H, W)`` -> student ``(logits (B, K), features)``
        (the encoder's tuple; the head reads its last entry)."""
        feats = self.student.extract_feat(self._layout(self.student_view(pixels)))
        return self.student.head(feats), feats

    # -- BaseModel interface -------------------------------------------------------
    def forward(self, inputs: torch.Tensor, data_samples: Optional[List] = None,
                mode: str = 'tensor', **kwargs):
        if mode == 'loss':
            return self.loss(inputs, data_samples, **kwargs)
        if mode == 'predict':
            return self.student.predict(
                self._layout(self.student_view(inputs)), data_samples)
        return self.student(self._layout(self.student_view(inputs)), mode='tensor')

    def loss(self, inputs: torch.Tensor, data_samples: List,
             partner_inputs: Optional[torch.Tensor] = None,
             partner_data_samples: Optional[List] = None,
             mix_inputs: Optional[torch.Tensor] = None,
             mix_data_samples: Optional[List] = None) -> Dict[str, torch.Tensor]:
        """The training losses of one batch, by name (each a scalar).

        Args:
            inputs: raw pixels ``(B, C, H, W)`` (0-255) of the random-order batch.
            data_samples: their ``B`` data samples (labels ``y``).
            partner_inputs: raw pixels ``(B, C, H, W)`` of each sample's
                class-balanced partner ``x'`` (``ClassBalancedPairDataset``);
                needed when the objective mixes.
            partner_data_samples: their data samples (labels ``y'``).
            mix_inputs, mix_data_samples: the other image of each mixed pair
                when it is not the sample itself (the pair dataset's
                ``mix_sampling='balanced+balanced'``).
        """
        if self.teacher is None:
            raise RuntimeError('a student_only distiller evaluates; it cannot train')
        terms = self.terms
        labels = torch.cat([s.gt_label for s in data_samples]).to(inputs.device)
        if self.settings.needs_priors:
            self._check_priors()
        needs_mix = self.needs_mix
        if needs_mix and partner_inputs is None:
            raise ValueError(
                f"distill.method='{self.method}' needs partner images: use "
                f"ClassBalancedPairDataset as train_dataloader.dataset")
        batch, base_labels, row_labels = self.teacher_batch(
            inputs, labels, partner_inputs, partner_data_samples, mix_inputs,
            mix_data_samples, needs_mix)
        n = inputs.size(0)
        t_logits, t_feats = self.teacher_outputs(batch, row_labels, n)
        s_logits, s_feats = self.student_forward(batch)
        z, t = s_logits[:n], t_logits[:n]
        losses = {}
        if terms['sup']:  # the student head's own (supervised) loss
            if self._sup_takes_targets:  # ArcFace's margin on y
                z_sup = self.student.head(tuple(f[:n] for f in s_feats), labels)
            else:
                z_sup = z
            losses['loss_sup'] = self.student.head.loss_module(z_sup, labels,
                                                               avg_factor=n)
        if self.method in ('wkd', 'dive'):
            losses[f'loss_{self.method}'] = self.distill_loss(z, t, labels,
                                                              self._counts(z))
        elif self.method == 'kd':
            losses['loss_kd'] = self.distill_loss(z, t)
        if terms['cckd']:
            losses['loss_cckd'] = self.alpha1 * self.cckd(
                z, t, self.teacher_prior, self.train_prior, self.test_prior)
        if needs_mix:
            z_mix, t_mix = s_logits[n:], t_logits[n:]
            partner_labels = row_labels[n:]
            if terms['sup_mix'] and self.settings.sup_mix_loss == 'student':
                target = self.sup_mix.teacher_weighted_target(t_mix, base_labels,
                                                              partner_labels)
                losses['loss_sup_mix'] = self.student.head.loss_module(
                    z_mix, target, avg_factor=z_mix.size(0))
            elif terms['sup_mix']:
                losses['loss_sup_mix'] = self.sup_mix(z_mix, t_mix, base_labels,
                                                      partner_labels)
            if terms['cckd_mix']:
                losses['loss_cckd_mix'] = self.alpha1 * self.cckd_mix(
                    z_mix, t_mix, self.teacher_prior)
        if self.settings.feature_imitation:
            # g_s(x), Eq. 15: the feature the student's head reads, mapped by the
            # side branch when there is one ('branch' with different sizes)
            student_feats = s_feats[-1] if self.align is None else self.align(
                s_feats[-1])
            if terms['fi']:
                losses['loss_fi'] = self.alpha2 * self.fi(
                    student_feats[:n], t_feats[:n], labels, self._counts(z))
            if terms['fi_mix'] and needs_mix:
                losses['loss_fi_mix'] = self.alpha2 * self.fi(student_feats[n:],
                                                              t_feats[n:])
        return losses

    def teacher_batch(self, inputs: torch.Tensor, labels: torch.Tensor,
                      partner_inputs: Optional[torch.Tensor],
                      partner_data_samples: Optional[List],
                      mix_inputs: Optional[torch.Tensor],
                      mix_data_samples: Optional[List],
                      mix: bool) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """The one batch both networks see: the ``B`` real images ``(B, C, H, W)``,
        then (``mix``) their ``B`` mixed images, drawn from the epoch's mixing
        generator; with the labels of each mixed pair's base image ``(B,)`` and
        of every row's image ``(R,)`` (a mixed image's: its partner's ``y'``).
        ``tools/cache_teacher.py`` builds the teacher's batches through it too."""
        if not mix:
            return inputs, labels, labels
        # x_mix = lambda x' + (1 - lambda) x or cutmix, lambda >= 0.5 (Algorithm 1)
        base = inputs if mix_inputs is None else mix_inputs
        base_labels = labels if mix_data_samples is None else torch.cat(
            [s.gt_label for s in mix_data_samples]).to(inputs.device)
        partner_labels = torch.cat([s.gt_label for s in partner_data_samples]).to(
            inputs.device)
        mixed, _, _ = self.mix(base, partner_inputs, self.rng)
        return (torch.cat([inputs, mixed]), base_labels,
                torch.cat([labels, partner_labels]))

    def _check_priors(self) -> None:
        """CCKD needs estimated priors; uniform stand-ins would train silently wrong."""
        if self._priors_checked:
            return
        if not bool(self.priors_ready):
            raise RuntimeError(
                f"model.distill.method='{self.method}' needs the teacher and "
                "training priors, but none were estimated: keep "
                "default_hooks.prepare_model=dict(type='PrepareModelHook')")
        self._priors_checked = True

    def _counts(self, like: torch.Tensor) -> torch.Tensor:
        if self.class_counts is None:
            raise RuntimeError('ClassConditionalDistiller: no class counts; keep '
                               'ClassCountsHook in custom_hooks')
        return self.class_counts.to(like.device)

    # -- preparation, once before the first epoch (PrepareModelHook) ---------------
    @torch.no_grad()
    def prepare(self, data) -> None:
        """Everything the objective reads that is not learnt, in this order:

        1. the teacher's zero-shot / NCM head (built or loaded; the NCM head
           sees the teacher's view of the pixels), then any of the student's;
        2. before training, unless a checkpoint restored the priors or the run
           starts from one (KD, WKD, DiVE): the teacher's pass over the
           validation split, whose accuracy must be above chance and at least
           half of what the teacher's checkpoint recorded (``weak_teacher``);
        3. then, when the objective uses them (CCKD's terms), the priors (Eq. 9
           and Eq. 4): from that validation pass (``priors.teacher='val'``) and
           from the NCM head's pass over the training set when it just ran, else
           from a teacher pass of their own.

        Args:
            data: a ``PreparationData`` (``engine/hooks/prepare_model_hook.py``):
                ordered passes over the training and validation splits.
        """
        teacher_pass = None
        if self.teacher is not None:
            teacher_pass = prepare_classifier(self.teacher, data, self._teacher_inputs)
        prepare_classifier(self.student, data)
        if data.stage != 'train' or self.teacher is None:  # 'cache': no priors
            return
        logger = MMLogger.get_current_instance()
        estimate = self.settings.needs_priors
        if bool(self.priors_ready):
            logger.info('priors restored from the checkpoint, not re-estimated')
            return
        if not estimate and not (data.fresh_training and data.has_val):
            return
        was_training = self.training
        self.eval()
        # the teacher on the validation split first: a wrong teacher stops the run
        # before the (longer) pass over the training set. KD-type objectives ran no
        # pass before this check: theirs leaves the run's random draws as they were
        val = None
        if data.has_val:
            with contextlib.nullcontext() if estimate else unchanged_random_state():
                val = data.pass_over('val', self._teacher_posteriors_of)
        if val is not None:
            accuracy = check_teacher_accuracy(*val, self.teacher_recorded_accuracy,
                                              self.weak_teacher)
            logger.info(f'teacher accuracy on the validation split: {accuracy:.2f}%')
        if estimate:
            use_val = self.prior_sources['teacher'] == 'val' and val is not None
            train = None
            if not use_val or self.prior_sources['train'] == 'teacher':
                train = self._posteriors_of_features(*teacher_pass) if teacher_pass \
                    else data.pass_over('train', self._teacher_posteriors_of)
            self.estimate_priors(train=train, val=val if use_val else None)
        self.train(was_training)

    def _teacher_inputs(self, batch: dict) -> Tuple[torch.Tensor, List]:
        """A loader batch -> the teacher's view of its pixels and its samples."""
        data = self.data_preprocessor(batch, False)
        return self.teacher_view(data['inputs']), data['data_samples']

    def _teacher_posteriors_of(self, batch: dict) -> Tuple[torch.Tensor, torch.Tensor]:
        """A loader batch -> the teacher's softmax ``(B, K)`` at temperature 1
        and the labels ``(B,)``."""
        data = self.data_preprocessor(batch, False)
        logits, _ = self.teacher_outputs.compute(data['inputs'])
        return (torch.softmax(logits, dim=-1),
                torch.cat([s.gt_label for s in data['data_samples']]))

    def _posteriors_of_features(self, features: torch.Tensor, labels: torch.Tensor,
                                chunk: int = 4096) -> Tuple[torch.Tensor, torch.Tensor]:
        """The teacher's softmax ``(N, K)`` from its last features ``(N, D)``
        (the NCM head's pass), with the labels ``(N,)``."""
        device = self.teacher_outputs.device
        probs = [
            torch.softmax(self.teacher.head((part.to(device), )).float(), dim=-1).cpu()
            for part in features.split(chunk)
        ]
        return torch.cat(probs), labels

    # -- priors (Eq. 4 and Eq. 9; docs/conventions.md, section 3) -------------------
    def estimate_priors(self, train: Optional[Tuple[torch.Tensor, torch.Tensor]] = None,
                        val: Optional[Tuple[torch.Tensor, torch.Tensor]] = None
                        ) -> Optional[float]:
        """Estimate and store the teacher and training priors.

        Args:
            train: teacher posteriors ``(N, C)`` and labels ``(N,)`` over the
                training set (needed unless ``val`` gives the teacher prior and
                the training prior comes from the labels).
            val: the same over the validation split.

        * teacher prior (Eq. 9): the mean posterior over ``val``; without it,
          the mean over classes of the per-class mean posterior on ``train``
          (the training set resampled class-balanced);
        * training prior (Eq. 4): the mean over ``train`` of
          ``q(y|x) = softmax(log p(y|x) - log p_t)``, or the label frequencies
          (``priors.train='labels'``).

        Returns:
            the teacher's accuracy (%) on ``val``, when given.
        """
        accuracy = None
        if val is not None:
            probs, labels = val
            teacher_prior = probs.mean(0)
            accuracy = 100.0 * float((probs.argmax(1) == labels).float().mean())
        else:
            probs, labels = train
            if len(torch.unique(labels)) < self.num_classes:
                raise ValueError(
                    'no validation split and no training sample of some class '
                    'to resample for the teacher prior (priors.teacher)')
            teacher_prior = torch.stack([probs[labels == c].mean(0)
                                         for c in range(self.num_classes)]).mean(0)
        teacher_prior = teacher_prior / teacher_prior.sum()
        if self.prior_sources['train'] == 'teacher':
            shifted = safe_log(train[0]) - safe_log(teacher_prior)
            train_prior = torch.softmax(shifted, dim=-1).mean(0)
        else:  # label frequencies, from the counts ClassCountsHook handed out
            counts = self._counts(teacher_prior)
            train_prior = counts / counts.sum()
        self.set_priors(teacher_prior, train_prior / train_prior.sum())
        return accuracy

    def set_priors(self, teacher_prior: torch.Tensor,
                   train_prior: torch.Tensor) -> None:
        """Store estimated priors (each ``(C,)``, summing to 1)."""
        self.teacher_prior.copy_(check_prior(teacher_prior.float(), self.num_classes,
                                             'teacher_prior'))
        self.train_prior.copy_(check_prior(train_prior.float(), self.num_classes,
                                           'train_prior'))
        self.priors_ready.fill_(True)
        logger = MMLogger.get_current_instance()
        # beyond 20 classes the first and last five (a 1000-class prior in full is
        # 3,000 numbers in the log)
        fmt = lambda p: np.array2string(p.cpu().numpy(), precision=4,  # noqa: E731
                                        max_line_width=200, threshold=20, edgeitems=5)
        logger.info(f'priors: teacher {fmt(self.teacher_prior)}; train '
                    f'{fmt(self.train_prior)}; test {fmt(self.test_prior)}')

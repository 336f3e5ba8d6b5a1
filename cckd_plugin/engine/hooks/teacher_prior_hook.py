"""Estimates the distiller's priors once, before training."""
import torch
import torch.nn.functional as F
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.utils import ProgressBar
from mmpretrain.registry import HOOKS

from ...models.losses.functional import safe_log
from ..dataset_pass import gather_ordered, ordered_loader
from ..teacher_heads import train_eval_loader_cfg


def teacher_posteriors(distiller, dataloader):
    """Teacher softmax ``(N, C)`` (temperature 1) and labels ``(N,)`` of the
    whole dataset of an ``ordered_loader`` (gathered from every process)."""
    probs, labels = [], []
    bar = ProgressBar(len(dataloader.dataset))
    with torch.no_grad():
        for batch in dataloader:
            data = distiller.data_preprocessor(batch, False)
            logits, _ = distiller.teacher_forward(data['inputs'])
            probs.append(F.softmax(logits, dim=-1).cpu())
            labels.append(torch.cat([s.gt_label for s in data['data_samples']]).cpu())
            bar.update(len(labels[-1]))
    return gather_ordered(torch.cat(probs)), gather_ordered(torch.cat(labels))


@HOOKS.register_module()
class TeacherPriorHook(Hook):
    """Fills ``teacher_prior`` and ``train_prior`` of a ``ClassConditionalDistiller``
    before the first iteration (docs/conventions.md, section 3).

    * ``teacher_prior`` (Eq. 9): mean teacher posterior over the validation
      split; without one (or with ``priors.teacher='balanced_train'``) the mean
      over classes of the per-class mean posterior on the training set (the
      training set resampled class-balanced). The teacher's validation
      accuracy is logged once for reference.
    * ``train_prior``: Eq. 4, the mean over the training set of
      ``q(y|x) = softmax(t - log p_t)``; or the label frequencies
      (``priors.train='labels'``).

    Priors already in the model (a resumed checkpoint) are never re-estimated.
    With several processes each runs the teacher on its share of the data and
    all gather the posteriors, so every process gets the one-process priors.
    """

    priority = 'NORMAL'

    def before_train(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        if not hasattr(model, 'set_priors'):
            return
        dataset = runner.train_dataloader.dataset
        if hasattr(dataset, 'with_partner'):
            dataset.with_partner = model.needs_mix
        elif model.needs_mix:  # say so now, not at the first iteration
            raise ValueError(f"distill.method='{model.method}' mixes images: set "
                             f"train_dataloader.dataset to a ClassBalancedPairDataset, "
                             f"not {type(dataset).__name__}")
        if bool(model.priors_ready):
            runner.logger.info('priors restored from the checkpoint, not re-estimated')
            return
        was_training = model.training
        model.eval()
        source = model.prior_sources['teacher']
        use_val = source == 'val' and runner.val_loop is not None
        # the NCM head's pass over the training set, when it just ran
        kept = model.teacher_train_posteriors()
        train = None  # teacher posteriors on the training set, computed only if needed
        if not use_val or model.prior_sources['train'] == 'teacher':
            train = kept or teacher_posteriors(
                model, ordered_loader(train_eval_loader_cfg(runner.cfg)))
        if use_val:
            val_probs, val_labels = teacher_posteriors(
                model, ordered_loader(runner.cfg.val_dataloader))
            teacher_prior = val_probs.mean(0)
            accuracy = 100.0 * float((val_probs.argmax(1) == val_labels).float().mean())
            runner.logger.info(f'teacher accuracy on the validation split: {accuracy:.2f}%')
        else:
            train_probs, train_labels = train
            present = torch.unique(train_labels)
            if len(present) < model.num_classes:
                raise ValueError('no validation split and no training sample of some '
                                 'class to resample for the teacher prior')
            teacher_prior = torch.stack([train_probs[train_labels == c].mean(0)
                                         for c in range(model.num_classes)]).mean(0)
        teacher_prior = teacher_prior / teacher_prior.sum()
        if model.prior_sources['train'] == 'teacher':
            shifted = safe_log(train[0]) - safe_log(teacher_prior)
            train_prior = F.softmax(shifted, dim=-1).mean(0)
        else:  # label frequencies, from the counts ClassCountsHook handed out
            counts = model._counts(teacher_prior)
            train_prior = counts / counts.sum()
        model.set_priors(teacher_prior, train_prior / train_prior.sum())
        model.train(was_training)


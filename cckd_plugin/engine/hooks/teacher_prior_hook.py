"""Triggers the distiller's prior estimation once, before training."""
import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.utils import ProgressBar
from mmpretrain.registry import HOOKS

from ..dataset_pass import gather_ordered, ordered_loader
from ..teacher_heads import train_eval_loader_cfg
from .model_interface import PriorEstimating


def posteriors_over(model: PriorEstimating, dataloader):
    """The teacher's posteriors ``(N, C)`` and labels ``(N,)`` over the whole
    dataset of an ``ordered_loader`` (gathered from every process, in order)."""
    probs, labels = [], []
    bar = ProgressBar(len(dataloader.dataset))
    for batch in dataloader:
        data = model.data_preprocessor(batch, False)
        probs.append(model.teacher_posteriors(data['inputs']).cpu())
        labels.append(torch.cat([s.gt_label for s in data['data_samples']]).cpu())
        bar.update(len(labels[-1]))
    return gather_ordered(torch.cat(probs)), gather_ordered(torch.cat(labels))


@HOOKS.register_module()
class TeacherPriorHook(Hook):
    """Before the first iteration, runs the teacher over the data the priors
    need (``model.prior_passes``: the training set and / or the validation
    split) and hands the posteriors to ``model.estimate_priors``, where the
    maths of Eq. 4 and Eq. 9 lives (docs/conventions.md, section 3). The
    teacher's validation accuracy is logged for reference.

    Priors already in the model (a resumed checkpoint) are never re-estimated.
    A training-set pass that already ran (the NCM head's) is reused. With
    several processes each runs the teacher on its share of the data and all
    gather the posteriors, so every process gets the one-process priors.
    """

    priority = 'NORMAL'

    def before_train(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        if not isinstance(model, PriorEstimating):
            return
        if bool(model.priors_ready):
            runner.logger.info('priors restored from the checkpoint, not re-estimated')
            return
        was_training = model.training
        model.eval()
        kept = model.teacher_train_posteriors()  # the NCM head's pass, when it just ran
        need_train, use_val = model.prior_passes(has_val=runner.val_loop is not None)
        train = val = None
        if need_train:
            train = kept or posteriors_over(
                model, ordered_loader(train_eval_loader_cfg(runner.cfg)))
        if use_val:
            val = posteriors_over(model, ordered_loader(runner.cfg.val_dataloader))
        accuracy = model.estimate_priors(train=train, val=val)
        if accuracy is not None:
            runner.logger.info(
                f'teacher accuracy on the validation split: {accuracy:.2f}%')
        model.train(was_training)

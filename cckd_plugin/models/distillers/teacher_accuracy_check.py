"""Before distilling: does the teacher classify this data set at all?

A teacher whose class order differs from the data's (a checkpoint trained on
another class list, class names in another order) or that was trained on other
data still produces confident logits, and the distillation runs and reports a
number. Its accuracy on the validation split gives it away: at or below chance,
or far below what its own training run recorded."""
import contextlib
import random
from typing import Iterator, Optional

import numpy as np
import torch
from mmengine.config import Config
from mmengine.logging import MMLogger

#: ``default_hooks.checkpoint.save_best`` keys whose ``best_score`` is a top-1 in %
ACCURACY_KEYS = ('shot/all', 'accuracy/top1')
#: below this fraction of its recorded accuracy a teacher counts as far below it
FAR_BELOW = 0.5
POLICIES = ('stop', 'warn')


@contextlib.contextmanager
def unchanged_random_state() -> Iterator[None]:
    """Run a block that may draw from the global random generators (a data
    loader's sampler seed and base seed) and put Python's, NumPy's and torch's
    CPU generators back as they were: a check must not move a run's draws."""
    states = random.getstate(), np.random.get_state(), torch.get_rng_state()
    try:
        yield
    finally:
        random.setstate(states[0])
        np.random.set_state(states[1])
        torch.set_rng_state(states[2])


def recorded_val_accuracy(checkpoint: Optional[dict]) -> Optional[float]:
    """The best validation top-1 (%) a teacher's training run recorded in its
    checkpoint (mmengine's ``best_score`` when ``save_best`` was a top-1), or
    ``None`` when the checkpoint does not say."""
    if not checkpoint:
        return None
    score = ((checkpoint.get('message_hub') or {}).get('runtime_info') or {}
             ).get('best_score')
    text = (checkpoint.get('meta') or {}).get('cfg')
    if not isinstance(score, (int, float)) or not text:
        return None
    try:
        hook = Config.fromstring(text, '.py').get('default_hooks', {}).get('checkpoint')
    except Exception:  # an unreadable config: nothing recorded to compare with
        return None
    save_best = (hook or {}).get('save_best')
    if save_best not in ACCURACY_KEYS or not 0.0 < float(score) <= 100.0:
        return None
    return float(score)


def check_teacher_accuracy(probs: torch.Tensor, labels: torch.Tensor,
                           recorded: Optional[float], policy: str = 'stop',
                           key: str = 'model.teacher') -> float:
    """Refuse (``policy='stop'``) or warn about a teacher that scores at or
    below chance on the validation split, or under half of its recorded
    validation accuracy.

    Args:
        probs: the teacher's softmax over the validation split, ``(N, K)``.
        labels: the split's labels, ``(N,)``.
        recorded: what the teacher's checkpoint recorded (%), or ``None``.
        policy: one of :data:`POLICIES`: ``'stop'`` raises, ``'warn'`` logs a
            warning.

    Returns:
        the teacher's top-1 on the split (%).

    Raises:
        ValueError: one line with both accuracies and the override key.
    """
    total = max(len(labels), 1)  # in integers: at chance means equal
    accuracy = 100.0 * int((probs.argmax(1) == labels).sum()) / total
    # chance: always predicting the split's largest class
    chance = 100.0 * int(torch.bincount(labels).max()) / total
    problem = None  # the checkpoint's own record, when there is one, says more
    if recorded is not None and accuracy < FAR_BELOW * recorded:
        problem = (f'under half of the {recorded:.2f}% its checkpoint recorded on its '
                   f'own validation split: is it the data set, class order and '
                   f'normalisation it was trained with?')
    elif accuracy <= chance:
        problem = (f'at or below chance ({chance:.2f}%, always guessing the largest '
                   f'class): is its class order the data\'s?')
    if problem is None:
        return accuracy
    message = (f'{key} scores {accuracy:.2f}% on the validation split, {problem} '
               f"(set model.weak_teacher='warn' to distil from it anyway)")
    if policy == 'stop':
        raise ValueError(message)
    MMLogger.get_current_instance().warning(message)
    return accuracy

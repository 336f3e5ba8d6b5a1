"""The runner of the plugin's configs (``runner_type``)."""
import copy
import os.path as osp
import re
from typing import Callable, Union

from mmengine.config import Config
from mmengine.runner import Runner
from mmengine.runner.checkpoint import _load_checkpoint, _load_checkpoint_to_model
from mmpretrain.registry import RUNNERS
from mmpretrain.utils import get_ori_model

from ..datasets.named_pipeline_errors import name_pipeline_errors
from ..datasets.split_overlap import check_split_overlap
from ..datasets.split_profiles import check_split_profiles
from ..evaluation.metric_keys import check_save_best
from .checkpoint_fit import (CheckpointMismatchError, check_checkpoint_fits,
                             check_resume_config)
from .config_keys import check_config_keys
from .formatted_once_config import FormattedOnceConfig
from .last_batch_check import check_last_batch
from .run_seed import follow_run_seed


@RUNNERS.register_module()
class KeepConfigRunner(Runner):
    """mmengine's ``Runner`` that loads checkpoints strictly and never replaces
    an earlier run's config dump.

    * Every checkpoint it loads (``load_from``, ``--resume``, ``tools/test.py``)
      must fit the model weight for weight and shape for shape
      (:func:`check_checkpoint_fits`); a resumed run must also keep its config
      but for the keys in ``RESUME_MAY_CHANGE``. The config's
      ``load_from_skip`` (key prefixes, e.g. ``['head.']``) names weights that
      a training run started with ``load_from`` re-initialises on purpose;
      testing and resuming load every weight.
    * Its config formats its text once per content, not at every checkpoint
      (:class:`FormattedOnceConfig`).
    * The partner and mixing seeds a config leaves unset follow
      ``randomness.seed`` (:func:`follow_run_seed`).
    * mmengine writes ``<work_dir>/<config name>.py`` at every start, so a run
      that stops on bad input would replace the dump of the run before it in
      the same work directory. Here the work-directory copy is written only
      when absent; every run's exact config is still in its own
      ``<timestamp>/vis_data/config.py``.

    Selected by ``runner_type`` in ``configs/_base_/default_runtime.py``;
    MMPretrain's ``tools/train.py`` builds it from the registry like any runner.
    """
    _resuming = False
    _training = False

    def __init__(self, *args, cfg=None, **kwargs):
        if isinstance(cfg, Config) and not isinstance(cfg, FormattedOnceConfig):
            cfg = FormattedOnceConfig.of(cfg)  # formatted once, not per checkpoint
        super().__init__(*args, cfg=cfg, **kwargs)

    @classmethod
    def from_cfg(cls, cfg: Config) -> 'KeepConfigRunner':
        """mmengine's ``from_cfg``, for the plugin's tools and MMPretrain's
        alike: every key of the model and loop sections is an argument of
        its class (:func:`check_config_keys`), the splits of a long-tailed
        data set must share its profile (:func:`check_split_profiles`), a
        list-file training split no image with the others
        (:func:`check_split_overlap`), and the partner and mixing seeds a
        config leaves unset follow ``randomness.seed`` (:func:`follow_run_seed`)."""
        cfg = copy.deepcopy(cfg)
        check_config_keys(cfg)
        check_split_profiles(cfg)
        check_split_overlap(cfg)
        follow_run_seed(cfg)
        return super().from_cfg(cfg)

    @staticmethod
    def build_dataloader(dataloader, seed=None, diff_rank_seed=False):
        """mmengine's loader, whose pipelines name the transform and the image
        of any failure (:func:`name_pipeline_errors`)."""
        loader = Runner.build_dataloader(dataloader, seed=seed,
                                         diff_rank_seed=diff_rank_seed)
        name_pipeline_errors(loader.dataset)
        return loader

    def dump_config(self) -> None:
        if self.cfg.filename is not None and osp.isfile(
                osp.join(self.work_dir, osp.basename(self.cfg.filename))):
            return
        super().dump_config()

    def train(self):
        """mmengine's ``train``, after two checks that would otherwise fail
        into the run: ``save_best`` names a key the validation reports
        (:func:`check_save_best`), and no BatchNorm1d gets a last batch of one
        (:func:`check_last_batch`, on the training loader built here)."""
        check_save_best(self.cfg)
        if self._train_loop is not None:
            check_last_batch(self.train_dataloader, get_ori_model(self.model))
        self._training = True
        try:
            return super().train()
        finally:
            self._training = False

    def resume(self, filename: str, *args, **kwargs) -> None:
        if self._load_from is None and not osp.isfile(str(filename)):
            raise FileNotFoundError(
                f'{osp.join(self.work_dir, "last_checkpoint")} names {filename!r}, '
                f'which is not a file: write the path of a whole epoch_N.pth into it, '
                f'or resume from one with --resume CKPT')
        self._resuming = True
        try:
            super().resume(filename, *args, **kwargs)
        finally:
            self._resuming = False

    def load_checkpoint(self,
                        filename: str,
                        map_location: Union[str, Callable] = 'cpu',
                        strict: bool = False,
                        revise_keys: list = [(r'^module\.', '')]) -> dict:
        """mmengine's ``load_checkpoint`` that refuses a checkpoint that does
        not fit (``strict`` is implied; the argument is kept for mmengine's
        signature)."""
        skip = self.cfg.get('load_from_skip') or ()
        if isinstance(skip, str):
            skip = (skip, )
        if skip and not self._training:
            skip = ()  # testing: every weight is loaded
        if skip and self._resuming:
            raise CheckpointMismatchError(
                f'load_from_skip={list(skip)} re-initialises weights of a new run; '
                f'remove it to resume')
        checkpoint = _load_checkpoint(filename, map_location=map_location)
        if self._resuming:
            check_resume_config(checkpoint, filename, self.cfg)
        self.call_hook('after_load_checkpoint', checkpoint=checkpoint)
        model = get_ori_model(self.model)
        check_checkpoint_fits(model, checkpoint, filename, self.cfg, skip, revise_keys)
        if skip:
            state = checkpoint.get('state_dict', checkpoint)
            for key in [k for k in state
                        if re.sub(r'^module\.', '', k).startswith(tuple(skip))]:
                del state[key]
        checkpoint = _load_checkpoint_to_model(model, checkpoint, False,
                                               revise_keys=revise_keys)
        self._has_loaded = True
        kept = f' (left at their initialisation: {list(skip)})' if skip else ''
        self.logger.info(f'Load checkpoint from {filename}{kept}')
        return checkpoint

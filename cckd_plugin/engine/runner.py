"""The runner of the plugin's configs (``runner_type``)."""
import os.path as osp

from mmengine.runner import Runner
from mmpretrain.registry import RUNNERS


@RUNNERS.register_module()
class KeepConfigRunner(Runner):
    """mmengine's ``Runner`` that never replaces an earlier run's config dump.

    mmengine writes ``<work_dir>/<config name>.py`` at every start, so a run
    that stops on bad input would replace the dump of the run before it in the
    same work directory. Here the work-directory copy is written only when
    absent; every run's exact config is still in its own
    ``<timestamp>/vis_data/config.py``. Selected by ``runner_type`` in
    ``configs/_base_/default_runtime.py``; MMPretrain's ``tools/train.py`` builds
    it from the registry like any runner.
    """

    def dump_config(self) -> None:
        if self.cfg.filename is not None and osp.isfile(
                osp.join(self.work_dir, osp.basename(self.cfg.filename))):
            return
        super().dump_config()

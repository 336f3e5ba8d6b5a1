"""Builds zero-shot and NCM class weights on first use."""
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmpretrain.registry import HOOKS

from ..teacher_heads import build_prototype_heads, init_cosine_heads


@HOOKS.register_module()
class TeacherHeadHook(Hook):
    """Before the first training, validation or test epoch, every
    ``ZeroShotClsHead`` / ``NCMClsHead`` in the model gets its class weights:
    loaded from its ``weights_file`` after checking that the file was built
    from the same class names and prompts (zero-shot) or the same training
    images and backbone (NCM), or built and saved there (default:
    ``<work_dir>/teacher_heads/<kind>.pth``). A file built from other data is
    an error, never silently rebuilt.

    It runs after checkpoint loading, so NCM means use the loaded backbone.

    Before a fresh training run (not a resumed one, nor one that loaded a
    checkpoint with ``load_from``), a trained classifier's ``CosineClsHead``
    with ``init_from`` gets its initial class weights: LIFT's text features
    (``'text'``) or the training class means (``'class_mean'``).
    """

    priority = 'HIGH'

    def __init__(self):
        self._done = False

    def _build(self, runner, dataloader) -> None:
        if self._done:
            return
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        names = (getattr(dataloader.dataset, 'metainfo', None) or {}).get('classes')
        build_prototype_heads(model, runner.cfg, names, runner.work_dir)
        self._done = True

    def before_train(self, runner) -> None:
        self._build(runner, runner.train_dataloader)
        if runner.iter == 0 and not runner.cfg.get('load_from'):
            model = runner.model.module if is_model_wrapper(
                runner.model) else runner.model
            names = (getattr(runner.train_dataloader.dataset, 'metainfo', None)
                     or {}).get('classes')
            init_cosine_heads(model, runner.cfg, names, runner.work_dir)

    def before_val(self, runner) -> None:
        self._build(runner, runner.val_dataloader)

    def before_test(self, runner) -> None:
        self._build(runner, runner.test_dataloader)

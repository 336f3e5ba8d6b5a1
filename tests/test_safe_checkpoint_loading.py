"""Checkpoints load with torch's safe loading on; planted globals are refused."""
import os

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer, MessageHub
from mmengine.runner.checkpoint import _load_checkpoint

from cckd_plugin.compat import UnsafeCheckpointError, safe_torch_load


def mmengine_style_checkpoint(path):
    hub = MessageHub.get_instance('safe_loading_test')
    hub.update_scalar('train/loss', 0.5)
    hub.update_scalar('train/lr', np.float64(0.1))
    hub.update_info('iter', 3)
    torch.save(dict(meta=dict(epoch=1, iter=3, class_counts=[5, 3],
                              dataset_meta=dict(classes=('a', 'b')),
                              seed=np.int64(0)),
                    state_dict={'w': torch.ones(2)},
                    message_hub=hub.state_dict(),
                    extra=np.arange(3)), path)


def test_mmengine_checkpoint_loads_with_safe_loading(tmp_path):
    path = str(tmp_path / 'ok.pth')
    mmengine_style_checkpoint(path)
    ckpt = _load_checkpoint(path, map_location='cpu')  # mmengine's own entry point
    assert ckpt['meta']['class_counts'] == [5, 3]
    buffer = ckpt['message_hub']['log_scalars']['train/loss']
    assert isinstance(buffer, HistoryBuffer) and buffer.mean() == pytest.approx(0.5)
    np.testing.assert_array_equal(ckpt['extra'], np.arange(3))


@pytest.mark.parametrize('planted', [os.getcwd, torch.nn.Linear(1, 1), print])
def test_planted_global_is_refused(tmp_path, planted):
    path = str(tmp_path / 'bad.pth')
    torch.save(dict(meta=dict(epoch=1), state_dict={}, planted=planted), path)
    with pytest.raises(
            UnsafeCheckpointError, match='refusing to load checkpoint .*bad.pth'):
        _load_checkpoint(path, map_location='cpu')


def test_general_getattr_is_refused(tmp_path):
    """Only getattr(HistoryBuffer, <statistic>) is served while unpickling."""

    class Evil:
        def __reduce__(self):
            return getattr, (HistoryBuffer, '__init__')

    path = str(tmp_path / 'getattr.pth')
    torch.save({'x': Evil()}, path)
    with pytest.raises(
            UnsafeCheckpointError, match="getattr\\(HistoryBuffer, '__init__'\\)"):
        safe_torch_load(path)


def test_missing_checkpoint_file(tmp_path):
    with pytest.raises(FileNotFoundError, match='checkpoint file not found'):
        safe_torch_load(str(tmp_path / 'none.pth'))


def test_empty_numpy_arrays_and_bytes_load(tmp_path):
    """mmengine's save_checkpoint of meta holding empty arrays or empty bytes
    (pickled as the call builtins.bytes()) loads with safe loading on."""
    from mmengine.runner import load_checkpoint, save_checkpoint
    path = str(tmp_path / 'empty.pth')
    save_checkpoint(
        {
            'state_dict': {
                'w': torch.ones(2)
            },
            'meta': {
                'a': np.zeros(0),
                'b': b'',
                'c': np.zeros((0, 3), np.float32)
            }
        }, path)
    ckpt = load_checkpoint(torch.nn.Module(), path, strict=False, logger='silent')
    assert ckpt['meta']['b'] == b'' and ckpt['meta']['c'].shape == (0, 3)


def test_bytes_with_arguments_is_refused(tmp_path):
    """Only the empty bytes() call is served: bytes(n) would allocate any size."""

    class Huge:
        def __reduce__(self):
            return bytes, (10, )

    path = str(tmp_path / 'bytes.pth')
    torch.save({'x': Huge()}, path)
    with pytest.raises(UnsafeCheckpointError, match='builtins.bytes'):
        safe_torch_load(path)

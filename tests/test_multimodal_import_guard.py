"""peft brings transformers 5; with pycocotools also installed, mmpretrain 1.2
imports its multimodal models, whose code needs transformers 4, and
``import mmpretrain.models`` fails. Importing the plugin first keeps it working
(cckd_plugin/compat.py). pycocotools is faked by its package metadata and the
one class mmpretrain's datasets import from it."""
import subprocess
import sys

import pytest

pytestmark = pytest.mark.e2e

PROBE = """
import cckd_plugin, mmpretrain.models
from mmpretrain.registry import MODELS
from mmpretrain.utils import dependency
print(MODELS.get('ImageClassifier').__name__, MODELS.get('BlipCaption').__name__,
      dependency.WITH_MULTIMODAL)
"""


@pytest.fixture(scope='module')
def with_pycocotools(tmp_path_factory):
    root = tmp_path_factory.mktemp('site')
    info = root / 'pycocotools-2.0.8.dist-info'
    info.mkdir()
    (info / 'METADATA').write_text('Metadata-Version: 2.1\nName: pycocotools\n'
                                   'Version: 2.0.8\n')
    package = root / 'pycocotools'
    package.mkdir()
    (package / '__init__.py').write_text('')
    (package / 'coco.py').write_text('class COCO:\n    pass\n')
    return str(root)


def run(code, path):
    return subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                          env={'PYTHONPATH': path, 'PATH': '/usr/bin:/bin'},
                          timeout=300)


def test_the_clash_is_real_without_the_plugin(with_pycocotools):
    done = run('import mmpretrain.models', with_pycocotools)
    assert done.returncode != 0
    assert 'TypeError: NoneType takes no arguments' in done.stderr


def test_the_plugin_keeps_mmpretrain_models_importable(with_pycocotools):
    done = run(PROBE, with_pycocotools)
    assert done.returncode == 0, done.stderr[-2000:]
    # mmpretrain's own placeholder for the multimodal models; the flag restored
    assert done.stdout.split() == ['ImageClassifier', 'ask_install', 'True']

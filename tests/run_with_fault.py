"""``python tests/run_with_fault.py tools/<tool>.py ARGS``: the tool with the
fault that ``inject_fault`` reads from the environment."""
import os.path as osp
import runpy
import sys

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
import inject_fault  # noqa: E402,F401

tool = sys.argv[1]
sys.argv = sys.argv[1:]
sys.path.insert(0, osp.dirname(osp.abspath(tool)))
runpy.run_path(tool, run_name='__main__')

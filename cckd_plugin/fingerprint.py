"""Fingerprints: sha256 digests of what a saved artefact was built from (config
values, module weights, label arrays, a dataset's samples). One scheme for the
teacher replay cache's key and the provenance of built class-weight files."""
import hashlib
import json
import pickle
from typing import Any, Optional

import numpy as np
import torch
import torch.nn as nn


def json_hash(value: Any) -> str:
    """sha256 of a config value's canonical JSON (keys sorted, other objects by
    ``repr``)."""
    text = json.dumps(value, sort_keys=True, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()


def weights_hash(module: nn.Module) -> str:
    """sha256 of a module's state dict: names, dtypes, shapes and values, in
    the module's order."""
    digest = hashlib.sha256()
    for name, tensor in module.state_dict().items():
        tensor = tensor.detach().cpu().contiguous()
        digest.update(f'{name}:{tensor.dtype}:{tuple(tensor.shape)}'.encode())
        digest.update(tensor.view(-1).view(torch.uint8).numpy().tobytes()
                      if tensor.numel() else b'')
    return digest.hexdigest()


def array_hash(array: Optional[np.ndarray]) -> Optional[str]:
    """sha256 of an array's dtype, shape and bytes (``None`` for none)."""
    if array is None:
        return None
    array = np.ascontiguousarray(array)
    digest = hashlib.sha256(f'{array.dtype}:{array.shape}'.encode())
    digest.update(array.tobytes())
    return digest.hexdigest()


def data_list_hash(dataset) -> str:
    """sha256 of the samples a dataset holds (file names or pixels, and labels),
    through any wrappers (``.dataset``) down to the MMEngine dataset."""
    inner = dataset
    while not hasattr(inner, 'data_list') and hasattr(inner, 'dataset'):
        inner = inner.dataset
    if hasattr(inner, 'full_init'):
        inner.full_init()
    digest = hashlib.sha256()
    if getattr(inner, 'serialize_data', False):  # MMEngine packs the list in bytes
        digest.update(memoryview(inner.data_bytes))
    else:
        digest.update(pickle.dumps(inner.data_list, protocol=4))
    return digest.hexdigest()

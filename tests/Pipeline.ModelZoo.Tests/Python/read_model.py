"""Opens a pipeline model file with json and torch alone, as any PyTorch user could, and prints what it holds.

Usage: read_model.py FILE
Prints {"metadata": {...}, "classes": [...], "tensors": {name: {"dtype", "shape", "sum"}}}.
"""
import json
import struct
import sys

import torch

DTYPES = {"F32": torch.float32, "F64": torch.float64, "I64": torch.int64, "U8": torch.uint8}


def main(path):
    with open(path, "rb") as f:
        content = f.read()
    (n,) = struct.unpack("<Q", content[:8])
    header = json.loads(content[8:8 + n].decode("utf-8"))
    data = bytearray(content[8 + n:])
    metadata = header.pop("__metadata__")
    tensors = {}
    for name, info in header.items():
        dtype = DTYPES[info["dtype"]]
        begin, end = info["data_offsets"]
        count = (end - begin) // torch.tensor([], dtype=dtype).element_size()
        tensor = torch.frombuffer(data, dtype=dtype, count=count, offset=begin).reshape(info["shape"]) if count else torch.empty(info["shape"], dtype=dtype)
        tensors[name] = {"dtype": info["dtype"], "shape": list(tensor.shape), "sum": float(tensor.double().sum())}
    print(json.dumps({"metadata": metadata, "classes": json.loads(metadata["classes"]), "tensors": tensors}))


if __name__ == "__main__":
    main(sys.argv[1])

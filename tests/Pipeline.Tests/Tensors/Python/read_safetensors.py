"""Reads a safetensors file with json and torch alone (no safetensors package) and prints what it found as JSON.

Usage: read_safetensors.py FILE
Prints {"header_length", "metadata", "tensors": {name: {"dtype", "shape", "begin", "end", "values"}}}, values flattened
row-major. Exits non-zero, with the reason on stderr, when the file breaks a format rule this script checks.
"""
import json
import struct
import sys

import torch

DTYPES = {
    "F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
    "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8,
    "U8": torch.uint8, "BOOL": torch.bool,
}


def main(path):
    with open(path, "rb") as f:
        content = f.read()
    (n,) = struct.unpack("<Q", content[:8])
    header_bytes = content[8:8 + n]
    if not header_bytes.startswith(b"{"):
        sys.exit("header does not start with '{'")
    header = json.loads(header_bytes.decode("utf-8"))
    data = bytearray(content[8 + n:])

    metadata = header.pop("__metadata__", {})
    tensors = {}
    covered = 0
    for name, info in sorted(header.items(), key=lambda item: tuple(item[1]["data_offsets"])):
        dtype = DTYPES[info["dtype"]]
        shape = info["shape"]
        begin, end = info["data_offsets"]
        if begin != covered:
            sys.exit(f"tensor {name}: begins at {begin}, expected {covered}")
        covered = end
        if begin == end:
            tensor = torch.empty(shape, dtype=dtype)
        else:
            tensor = torch.frombuffer(data, dtype=dtype, count=(end - begin) // torch.tensor([], dtype=dtype).element_size(),
                                      offset=begin).reshape(shape)
        tensors[name] = {
            "dtype": str(tensor.dtype),
            "shape": list(tensor.shape),
            "begin": begin,
            "end": end,
            "values": tensor.reshape(-1).tolist(),
        }
    if covered != len(data):
        sys.exit(f"tensors cover {covered} bytes of a {len(data)}-byte data buffer")
    json.dump({"header_length": n, "metadata": metadata, "tensors": tensors}, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1])

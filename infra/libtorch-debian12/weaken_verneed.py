#!/usr/bin/env python3
"""Marks one symbol-version requirement of an ELF64 shared library as weak (VER_FLG_WEAK).

glibc refuses to load a library whose required version (e.g. GLIBCXX_3.4.32) the system
library lacks, unless the requirement is weak. Usage: weaken_verneed.py FILE VERSION
Exit 0 when the requirement is weak afterwards (or was never there)."""
import struct
import sys

SHT_GNU_VERNEED = 0x6FFFFFFE
VER_FLG_WEAK = 0x2


def main(path: str, version: str) -> int:
    with open(path, "r+b") as f:
        data = bytearray(f.read())
        if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
            sys.exit(f"{path}: not a little-endian ELF64 file")
        shoff, = struct.unpack_from("<Q", data, 0x28)
        shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
        sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
        changed = 0
        for sh in sections:
            if sh[1] != SHT_GNU_VERNEED:
                continue
            strtab_offset = sections[sh[6]][4]
            need = sh[4]
            for _ in range(sh[7]):  # sh_info = number of Verneed entries
                _, cnt, _, aux, next_need = struct.unpack_from("<HHIII", data, need)
                entry = need + aux
                for _ in range(cnt):
                    _, flags, _, name, next_aux = struct.unpack_from("<IHHII", data, entry)
                    end = data.index(b"\0", strtab_offset + name)
                    if data[strtab_offset + name:end].decode() == version and not flags & VER_FLG_WEAK:
                        struct.pack_into("<H", data, entry + 4, flags | VER_FLG_WEAK)
                        changed += 1
                    entry += next_aux
                need += next_need
        if changed:
            f.seek(0)
            f.write(data)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))

#!/usr/bin/python3
"""The Python peer of `./pipeline bench preprocess`: the same images through Pillow and torchvision.

Per image: Pillow open, convert to RGB, resize the shorter side to SIZE, centre crop SIZE x SIZE, ToTensor, Normalize
(ImageNet mean and std). One torch thread per process and a pool of one process per core (or --processes N), as a
PyTorch DataLoader with workers would run it. Every worker warms up (imports, first images) before the clock starts.
Prints one JSON object on stdout. Runs with Debian's /usr/bin/python3 (python3-pil, python3-torchvision).
"""
import argparse
import json
import multiprocessing
import os
import sys
import time

IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff"}
MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]

_transform = None


def image_files(folder):
    """Image files below folder by extension, hidden entries skipped, in path order (as the pipeline lists them)."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found += [os.path.join(root, f) for f in files
                  if not f.startswith(".") and os.path.splitext(f)[1].lower() in IMAGE_EXTENSIONS]
    return sorted(found)


def peak_rss_mb():
    """This process's peak resident set (VmHWM) in MiB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def start_worker(size, warmup_files, ready):
    global _transform
    import torch
    from torchvision import transforms
    torch.set_num_threads(1)
    _transform = transforms.Compose([
        transforms.Resize(size),
        transforms.CenterCrop(size),
        transforms.ToTensor(),
        transforms.Normalize(MEAN, STD),
    ])
    for path in warmup_files:
        prepare(path)
    ready.wait()


def prepare(path):
    """One image to a normalised tensor; returns (ok, pid, peak RSS) so that the parent can add up the workers' peaks."""
    from PIL import Image
    try:
        with Image.open(path) as image:
            _transform(image.convert("RGB"))
        ok = True
    except Exception:  # a file the pipeline would quarantine: counted, not fatal
        ok = False
    return ok, os.getpid(), peak_rss_mb()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("folder", nargs="?", help="a folder whose image files (at any depth) are prepared")
    source.add_argument("--files-from", help="a file listing the image paths to prepare, one per line")
    parser.add_argument("--processes", type=int, default=os.cpu_count(), help="worker processes (default: one per core)")
    parser.add_argument("--size", type=int, default=224, help="output side in pixels (default 224)")
    parser.add_argument("--warmup", type=int, default=4, help="images each worker prepares before the clock starts (default 4)")
    args = parser.parse_args()

    if args.files_from:
        with open(args.files_from, encoding="utf-8") as listing:
            files = [line.rstrip("\n") for line in listing if line.strip()]
    else:
        files = image_files(args.folder)
    if not files:
        print(json.dumps({"error": "no image files to prepare"}))
        return 1

    ready = multiprocessing.Barrier(args.processes + 1)
    with multiprocessing.Pool(args.processes, start_worker, (args.size, files[:args.warmup], ready)) as pool:
        ready.wait()
        started = time.perf_counter()
        results = list(pool.imap_unordered(prepare, files, chunksize=8))
        seconds = time.perf_counter() - started
    peaks = {}
    for _, pid, peak in results:
        peaks[pid] = max(peak, peaks.get(pid, 0.0))

    import PIL
    import torch
    import torchvision
    prepared = sum(1 for ok, _, _ in results if ok)
    print(json.dumps({
        "tool": f"Pillow {PIL.__version__} + torchvision {torchvision.__version__} (torch {torch.__version__})",
        "images": prepared,
        "failed": len(files) - prepared,
        "processes": args.processes,
        "seconds": seconds,
        "imagesPerSecond": prepared / seconds,
        "imagesPerSecondPerCore": prepared / seconds / args.processes,
        "peakRssMb": peak_rss_mb() + sum(peaks.values()),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())

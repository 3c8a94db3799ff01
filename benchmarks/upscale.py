#!/usr/bin/python3
"""Makes an ImageFolder of large photos from one of small ones, for `./pipeline bench preprocess` on photos larger than
1000 pixels (none ship with the repository).

Every image of SOURCE (an ImageFolder) is enlarged with Pillow's bicubic filter so that its shorter side is --size
pixels (default 1200) and saved as a JPEG (quality 90) under the same class in TARGET. The photos are upscaled, so
they hold no more detail than the originals; decoding them costs what decoding a camera photo of that size costs.
Runs with Debian's /usr/bin/python3 (python3-pil).
"""
import argparse
import multiprocessing
import os
import sys

from PIL import Image

from preprocess_peer import IMAGE_EXTENSIONS


def upscale(job):
    source, target, size = job
    with Image.open(source) as image:
        image = image.convert("RGB")
        scale = size / min(image.size)
        image.resize((round(image.width * scale), round(image.height * scale)), Image.BICUBIC).save(target, quality=90)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", help="an ImageFolder of small images")
    parser.add_argument("target", help="the folder to write the large ImageFolder into")
    parser.add_argument("--size", type=int, default=1200, help="shorter side of the written photos in pixels (default 1200)")
    parser.add_argument("--per-class", type=int, help="the first N images of each class (default: all)")
    args = parser.parse_args()

    jobs = []
    for name in sorted(os.listdir(args.source)):
        folder = os.path.join(args.source, name)
        if name.startswith(".") or not os.path.isdir(folder):
            continue
        os.makedirs(os.path.join(args.target, name), exist_ok=True)
        files = sorted(f for f in os.listdir(folder) if os.path.splitext(f)[1].lower() in IMAGE_EXTENSIONS)
        for file in files[:args.per_class]:
            jobs.append((os.path.join(folder, file), os.path.join(args.target, name, os.path.splitext(file)[0] + ".jpg"), args.size))
    with multiprocessing.Pool() as pool:
        pool.map(upscale, jobs, chunksize=8)
    print(f"wrote {len(jobs)} photos with a shorter side of {args.size} pixels to {args.target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

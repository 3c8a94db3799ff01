#!/usr/bin/python3
"""Makes a larger ImageFolder from a small one, for `./pipeline bench train --memory` at 20,000 images (none ship with
the repository).

Writes --images images in all, spread evenly over the classes of SOURCE (an ImageFolder). Copy c of a source image is
that image slightly varied, from a random stream seeded by its name and c: cropped to 90-100% of each side at a random
place, resized back to the source's size, brightness scaled by 0.9-1.1 and mirrored with probability 0.5, saved as a
JPEG (quality 90). Every written file differs from every other, so the preprocessor keeps them all as distinct images
(it groups identical files). Runs with Debian's /usr/bin/python3 (python3-pil).
"""
import argparse
import multiprocessing
import os
import random
import sys

from PIL import Image, ImageEnhance, ImageOps

from preprocess_peer import IMAGE_EXTENSIONS


def vary(job):
    source, target, copy = job
    rng = random.Random(f"{os.path.basename(source)}/{copy}")
    with Image.open(source) as image:
        image = image.convert("RGB")
        width, height = image.size
        crop_w, crop_h = round(width * rng.uniform(0.9, 1.0)), round(height * rng.uniform(0.9, 1.0))
        left, top = rng.randint(0, width - crop_w), rng.randint(0, height - crop_h)
        image = image.crop((left, top, left + crop_w, top + crop_h)).resize((width, height), Image.BILINEAR)
        image = ImageEnhance.Brightness(image).enhance(rng.uniform(0.9, 1.1))
        if rng.random() < 0.5:
            image = ImageOps.mirror(image)
        image.save(target, quality=90)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", help="an ImageFolder")
    parser.add_argument("target", help="the folder to write the larger ImageFolder into")
    parser.add_argument("--images", type=int, default=20000, help="images to write in all (default 20000)")
    args = parser.parse_args()

    classes = sorted(name for name in os.listdir(args.source) if not name.startswith(".") and os.path.isdir(os.path.join(args.source, name)))
    jobs = []
    for index, name in enumerate(classes):
        folder = os.path.join(args.source, name)
        files = sorted(f for f in os.listdir(folder) if os.path.splitext(f)[1].lower() in IMAGE_EXTENSIONS)
        wanted = args.images // len(classes) + (1 if index < args.images % len(classes) else 0)
        os.makedirs(os.path.join(args.target, name), exist_ok=True)
        for n in range(wanted):
            file, copy = files[n % len(files)], n // len(files)
            target = os.path.join(args.target, name, f"{os.path.splitext(file)[0]}-{copy:03d}.jpg")
            jobs.append((os.path.join(folder, file), target, copy))
    with multiprocessing.Pool() as pool:
        pool.map(vary, jobs, chunksize=32)
    print(f"wrote {len(jobs)} images in {len(classes)} classes to {args.target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

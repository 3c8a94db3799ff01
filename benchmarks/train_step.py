"""The PyTorch peer of `./pipeline bench step`: times one training step of a torchvision ResNet with a new head.

Runs with Debian's /usr/bin/python3 (python3-torch, python3-torchvision). The step is the one the pipeline's exact path
takes: a uint8 NHWC batch normalised with ImageNet's mean and std, the network forward, cross-entropy, zero_grad,
backward and an Adam step. transfer: the backbone frozen (no autograd, eval mode) and only the head trained;
finetune: every layer trained, in train mode. Weights are random (the speed does not depend on them). The batch is
fixed, drawn once. --warmup steps run first and are not timed.

Prints one JSON object: {"tool", "threads", "interopThreads", "msPerStep": [one per timed step], "phasesMs": {"forward",
"backward", "optimizer", "release": mean milliseconds per timed step}} (release: reading the loss and the correct count back).
"""
import argparse
import json
import time

import torch
import torchvision
from torchvision.models.resnet import BasicBlock, ResNet

MEAN = torch.tensor([0.485, 0.456, 0.406]).reshape(1, 3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).reshape(1, 3, 1, 1)


def backbone(name):
    # mlnet-resnet18 is ML.NET's ResNet18: layer4 has three BasicBlocks instead of two.
    if name == "mlnet-resnet18":
        return ResNet(BasicBlock, [2, 2, 2, 3])
    return getattr(torchvision.models, name)()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backbone", required=True, help="resnet18 | resnet34 | resnet50 | resnet101 | resnet152 | mlnet-resnet18")
    parser.add_argument("--mode", choices=["transfer", "finetune"], required=True)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--size", type=int, default=224, help="image side in pixels")
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--threads", type=int, required=True, help="intra-op threads (torch.set_num_threads)")
    parser.add_argument("--interop-threads", type=int, default=1, help="inter-op threads (torch.set_num_interop_threads)")
    parser.add_argument("--steps", type=int, default=5, help="timed steps")
    parser.add_argument("--warmup", type=int, default=2, help="untimed steps first")
    parser.add_argument("--lr", type=float, default=1e-3)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(args.interop_threads)
    torch.manual_seed(0)
    model = backbone(args.backbone)
    features = model.fc.in_features
    model.fc = torch.nn.Identity()
    head = torch.nn.Linear(features, args.classes)
    transfer = args.mode == "transfer"
    for parameter in model.parameters():
        parameter.requires_grad = not transfer
    model.train(not transfer)
    head.train()
    trained = list(head.parameters()) if transfer else list(model.parameters()) + list(head.parameters())
    optimizer = torch.optim.Adam(trained, lr=args.lr)
    images = torch.randint(0, 256, (args.batch_size, args.size, args.size, 3), dtype=torch.uint8)
    labels = torch.randint(0, args.classes, (args.batch_size,))

    phases = {"forward": 0.0, "backward": 0.0, "optimizer": 0.0, "release": 0.0}

    def step(timed):
        clock = time.perf_counter()

        def lap(phase):
            nonlocal clock
            now = time.perf_counter()
            if timed:
                phases[phase] += (now - clock) * 1000
            clock = now

        x = (images.permute(0, 3, 1, 2).float() / 255 - MEAN) / STD
        if transfer:
            with torch.no_grad():
                pooled = model(x)
        else:
            pooled = model(x)
        logits = head(pooled)
        loss = torch.nn.functional.cross_entropy(logits, labels)
        lap("forward")
        optimizer.zero_grad()
        loss.backward()
        lap("backward")
        optimizer.step()
        lap("optimizer")
        # What the pipeline reads back after each step: the loss and the correct predictions.
        loss.item()
        logits.argmax(1).eq(labels).sum().item()
        lap("release")

    for _ in range(args.warmup):
        step(timed=False)
    timings = []
    for _ in range(args.steps):
        start = time.perf_counter()
        step(timed=True)
        timings.append((time.perf_counter() - start) * 1000)
    print(json.dumps({
        "tool": f"torch {torch.__version__}, torchvision {torchvision.__version__}",
        "threads": torch.get_num_threads(),
        "interopThreads": torch.get_num_interop_threads(),
        "msPerStep": timings,
        "phasesMs": {phase: total / args.steps for phase, total in phases.items()},
    }))


if __name__ == "__main__":
    main()

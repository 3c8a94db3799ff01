"""Writes torchvision ResNets (Debian's python3-torchvision) for the layout and parity tests, from a fixed seed.

Usage:
  torchvision_resnet.py layouts
      Prints {"resnet18": {key: shape, ...}, ...}: the state_dict layout of every torchvision ResNet.
  torchvision_resnet.py state-dict ARCH FILE
      Saves torchvision's freshly initialised ARCH state_dict with torch.save.
  torchvision_resnet.py parity ARCH DIR
      Saves DIR/ARCH.pth (random weights, BatchNorm statistics calibrated so that activations stay in range),
      DIR/image.bin (one uint8 224x224 RGB image, NHWC) and DIR/features.bin (float32 pooled features of that
      image, the model in eval mode, after torchvision's ImageNet normalisation).
"""
import json
import os
import sys

import torch
import torchvision

ARCHITECTURES = ["resnet18", "resnet34", "resnet50", "resnet101", "resnet152"]
MEAN = torch.tensor([0.485, 0.456, 0.406]).reshape(1, 3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).reshape(1, 3, 1, 1)


def build(arch):
    torch.manual_seed(0)
    return getattr(torchvision.models, arch)()


def layouts():
    # Names and shapes only: skipping the random initialisation makes building all five ResNets take a moment.
    torch.nn.init.kaiming_normal_ = lambda tensor, **_: tensor
    torch.nn.Conv2d.reset_parameters = lambda self: None
    torch.nn.Linear.reset_parameters = lambda self: None
    print(json.dumps({arch: {key: list(value.shape) for key, value in build(arch).state_dict().items()} for arch in ARCHITECTURES}))


def parity(arch, folder):
    model = build(arch)
    with torch.no_grad():
        # Random affine BatchNorm parameters, and running statistics taken from one batch, so that no layer is trivial
        # and activations keep their scale through every block.
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.weight.uniform_(0.5, 1.5)
                module.bias.normal_(0, 0.1)
                module.momentum = 1.0
        model.train()
        model(torch.randn(4, 3, 64, 64))
    model.eval()
    torch.save(model.state_dict(), os.path.join(folder, arch + ".pth"))
    image = torch.randint(0, 256, (1, 224, 224, 3), dtype=torch.uint8, generator=torch.Generator().manual_seed(1))
    model.fc = torch.nn.Identity()
    with torch.no_grad():
        x = (image.permute(0, 3, 1, 2).float() / 255 - MEAN) / STD
        features = model(x)
    with open(os.path.join(folder, "image.bin"), "wb") as f:
        f.write(image.numpy().tobytes())
    with open(os.path.join(folder, "features.bin"), "wb") as f:
        f.write(features.numpy().astype("<f4").tobytes())


if __name__ == "__main__":
    torch.set_num_threads(1)
    command = sys.argv[1]
    if command == "layouts":
        layouts()
    elif command == "state-dict":
        torch.save(build(sys.argv[2]).state_dict(), sys.argv[3])
    elif command == "parity":
        parity(sys.argv[2], sys.argv[3])
    else:
        sys.exit(f"unknown command {command}")

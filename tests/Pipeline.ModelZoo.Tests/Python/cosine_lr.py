"""Prints the learning rate PyTorch's CosineAnnealingLR gives each epoch, stepped once per epoch.

Usage: cosine_lr.py EPOCHS BASE_LR
Prints a JSON list of EPOCHS rates: the one each epoch 1..EPOCHS trains with.
"""
import json
import sys

import torch


def main(epochs, base):
    parameter = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.Adam([parameter], lr=base)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
    rates = []
    for _ in range(epochs):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        schedule.step()
    print(json.dumps(rates))


if __name__ == "__main__":
    main(int(sys.argv[1]), float(sys.argv[2]))

#!/usr/bin/env python3
"""The Python PyTorch side of `dsfl-bench-train` (docs/performance.md).

Trains the same model on the same rows with the same batch size, optimiser
and thread count as dsfl's C++ trainer (slave/training/trainer.cc), timing
the same work: full-data loss before, `epochs` epochs of shuffled minibatches
(loss.item() per step, a Cox minibatch without events takes no step, a
finiteness check per epoch), full-data loss after, and the export of the
parameters. One untimed warm-up epoch first, as on the C++ side.

Prints one JSON line: {"samples_per_second": X}.
Needs Debian's python3-torch (scripts/bench.sh installs it when missing).
"""
import argparse
import json
import time

import numpy as np
import torch


class MlpNet(torch.nn.Module):
    """Sequential(Linear, ReLU, Dropout, ..., Linear(width, 1)) as in C++."""

    def __init__(self, inputs, hidden, dropout, output_bias):
        super().__init__()
        layers = []
        width = inputs
        for units in hidden:
            layers += [torch.nn.Linear(width, units), torch.nn.ReLU(),
                       torch.nn.Dropout(dropout)]
            width = units
        layers.append(torch.nn.Linear(width, 1, bias=output_bias))
        self.layers = torch.nn.Sequential(*layers)

    def forward(self, x):
        return self.layers(x).reshape(-1)


def cox_breslow_loss(risk, time_, event):
    """Negative Breslow partial log-likelihood per event (CoxBreslowLoss)."""
    r = risk.reshape(-1)
    t = time_.reshape(-1).double()
    order = torch.sort(t, stable=True, descending=True).indices
    sorted_time = t.index_select(0, order)
    # Index of the last row of each row's tie group (sorted by time).
    _, inverse, counts = torch.unique_consecutive(
        sorted_time, return_inverse=True, return_counts=True)
    group_end = (torch.cumsum(counts, 0) - 1).index_select(0, inverse)
    sorted_risk = r.index_select(0, order)
    log_risk_set = torch.logcumsumexp(sorted_risk, 0).index_select(0, group_end)
    d = event.reshape(-1).to(r.dtype).index_select(0, order)
    total = -((sorted_risk - log_risk_set) * d).sum()
    events = d.sum().item()
    return total / max(1.0, events)


def task_loss(survival, output, x_rows):
    if survival:
        return cox_breslow_loss(output, x_rows["time"], x_rows["event"])
    return torch.nn.functional.binary_cross_entropy_with_logits(
        output, x_rows["label"])


def train(model, survival, data, epochs, batch, lr, seed):
    n = data["x"].shape[0]
    with torch.no_grad():
        model.eval()
        loss_before = task_loss(survival, model(data["x"]), data).item()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    generator = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        order = torch.randperm(n, generator=generator)
        loss_sum = 0.0
        for start in range(0, n, batch):
            index = order[start:start + batch]
            rows = {k: v.index_select(0, index) for k, v in data.items()}
            model.train()
            loss = task_loss(survival, model(rows["x"]), rows)
            value = loss.item()
            if value != value or value in (float("inf"), float("-inf")):
                raise RuntimeError("training loss became %r" % value)
            loss_sum += value * index.shape[0]
            if survival and rows["event"].sum().item() == 0.0:
                continue
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        with torch.no_grad():
            for p in model.parameters():
                if not torch.isfinite(p).all().item():
                    raise RuntimeError("non-finite parameter")
    with torch.no_grad():
        model.eval()
        loss_after = task_loss(survival, model(data["x"]), data).item()
    flat = torch.cat([p.detach().reshape(-1) for p in model.parameters()])
    return loss_before, loss_after, flat.numpy().copy()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", choices=["deepsurv", "mlp"], required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--features", type=int, required=True)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--dropout", type=float, default=0.1)
    parser.add_argument("--hidden", default="64,32")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(args.threads)
    n, f = args.rows, args.features
    raw = np.fromfile(args.data, dtype="<f4")
    survival = args.model == "deepsurv"
    data = {"x": torch.from_numpy(raw[:n * f].reshape(n, f).copy())}
    rest = raw[n * f:]
    if survival:
        data["time"] = torch.from_numpy(rest[:n].copy())
        data["event"] = torch.from_numpy(rest[n:2 * n].copy())
    else:
        data["label"] = torch.from_numpy(rest[:n].copy())
    hidden = [int(h) for h in args.hidden.split(",")]

    torch.manual_seed(1)
    model = MlpNet(f, hidden, args.dropout, output_bias=not survival)
    initial = {k: v.clone() for k, v in model.state_dict().items()}
    train(model, survival, data, 1, args.batch, args.lr, 7)  # warm-up
    model.load_state_dict(initial)
    start = time.perf_counter()
    train(model, survival, data, args.epochs, args.batch, args.lr, 7)
    seconds = time.perf_counter() - start
    print(json.dumps({"samples_per_second": n * args.epochs / seconds,
                      "seconds": seconds}))


if __name__ == "__main__":
    main()

"""The training-speed benchmark models in PyTorch (same shapes, Adam 1e-3).

Serves bench/training-speed.bench.ts: reads lines "<threads>\t<model name>"
on stdin and answers each with one JSON line {"wall": samples/s, "cpu":
samples/s of process CPU time}, medians of timed steps after warm-up. With
--once (bench/torch-baseline.bench.ts: a process that exits before nnc is
measured), prints one JSON object: the BLAS in use (torch_blas.py) and
every model at the thread count torch starts with, or at --threads n
(torch.set_num_threads; the caller sets OPENBLAS_NUM_THREADS in the
environment too). Run alone, prints every model at torch's default thread
count. Nothing in CI needs it (on Debian: apt-get install python3-torch
libopenblas0-pthread; without OpenBLAS torch runs on the slow reference BLAS).
"""
import json
import os
import statistics
import sys
import time

import torch
from torch import nn

VOCAB, SEQ, WIDTH, CLASSES = 5000, 32, 64, 4


class Lstm(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(VOCAB, WIDTH)
        self.lstm = nn.LSTM(WIDTH, WIDTH, batch_first=True)
        self.head = nn.Linear(WIDTH, CLASSES)

    def forward(self, x):
        out, _ = self.lstm(self.embedding(x))
        return self.head(out[:, -1])


class Gru(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(VOCAB, WIDTH)
        self.gru = nn.GRU(WIDTH, WIDTH, batch_first=True)
        self.head = nn.Linear(WIDTH, CLASSES)

    def forward(self, x):
        out, _ = self.gru(self.embedding(x))
        return self.head(out[:, -1])


class Conv(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(VOCAB, WIDTH)
        self.conv = nn.Conv1d(WIDTH, 64, 3, padding=1)
        self.head = nn.Linear(64, CLASSES)

    def forward(self, x):
        h = torch.relu(self.conv(self.embedding(x).transpose(1, 2)))
        return self.head(h.mean(dim=2))


class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(VOCAB, WIDTH)
        self.attention = nn.MultiheadAttention(WIDTH, 4, batch_first=True)
        self.head = nn.Linear(WIDTH, CLASSES)

    def forward(self, x):
        e = self.embedding(x)
        h = e + self.attention(e, e, e, need_weights=False)[0]
        return self.head(h.mean(dim=1))


def mlp():
    return nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10))


MODELS = [
    ("mlp 64-256-256-10", 64, mlp, lambda b: torch.randn(b, 64), 10),
    ("embedding + lstm 64", 32, Lstm, lambda b: torch.randint(0, VOCAB, (b, SEQ)), CLASSES),
    ("embedding + gru 64", 32, Gru, lambda b: torch.randint(0, VOCAB, (b, SEQ)), CLASSES),
    ("embedding + conv1d 64x3 + pool", 32, Conv, lambda b: torch.randint(0, VOCAB, (b, SEQ)), CLASSES),
    ("embedding + attention 4 heads + pool", 32, Attention, lambda b: torch.randint(0, VOCAB, (b, SEQ)), CLASSES),
]


def measure(build, batch, make_input, classes, budget=1.0, min_steps=5, max_steps=40):
    torch.manual_seed(0)
    model = build()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    x = make_input(batch)
    y = torch.randint(0, classes, (batch,))

    def step():
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()

    for _ in range(3):
        step()
    times, cpu = [], []
    start = time.perf_counter()
    while len(times) < min_steps or (len(times) < max_steps and time.perf_counter() - start < budget):
        t0, c0 = time.perf_counter(), time.process_time()
        step()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return {"wall": batch / statistics.median(times), "cpu": batch / max(statistics.median(cpu), 1e-9)}


def serve():
    by_name = {name: (batch, build, make, classes) for name, batch, build, make, classes in MODELS}
    print(json.dumps({"threads": torch.get_num_threads(), "cores": os.cpu_count() or 1, "version": torch.__version__}), flush=True)
    for line in sys.stdin:
        threads, name = line.rstrip("\n").split("\t", 1)
        torch.set_num_threads(int(threads))
        batch, build, make, classes = by_name[name]
        print(json.dumps(measure(build, batch, make, classes)), flush=True)


def once(args):
    from torch_blas import blas_info, summary

    if "--threads" in args:
        torch.set_num_threads(int(args[args.index("--threads") + 1]))
    wanted = args[args.index("--models") + 1].split(",") if "--models" in args else None
    results = {}
    for name, batch, build, make, classes in MODELS:
        if wanted is None or any(w in name for w in wanted):
            results[name] = measure(build, batch, make, classes)
    info = blas_info()
    print(json.dumps({"blas": summary(info), "info": info, "threads": torch.get_num_threads(), "results": results}))


if __name__ == "__main__":
    if "--serve" in sys.argv:
        serve()
    elif "--once" in sys.argv:
        once(sys.argv)
    else:
        print(json.dumps({name: measure(build, batch, make, classes) for name, batch, build, make, classes in MODELS}))

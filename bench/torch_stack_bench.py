"""PyTorch float64 on one thread beside the stack row of `npm run bench` (bench/stack-bench.ts):
the VGG block as nn.Sequential (three Conv2d 3x3 with 16 channels, padding 1, ReLU between),
forward, and forward + backward (dE/dx and every dE/dw, dE/db) from a random dE/dy.

Prints one line: BENCH [rows...] with the fields of the Node rows.
"""
import json
import statistics
import sys
import time

import torch
import torch.nn as nn

torch.set_num_threads(1)
n, c, h, w = json.loads(sys.argv[1])
torch.manual_seed(2026)
model = nn.Sequential(
    nn.Conv2d(c, 16, 3, padding=1), nn.ReLU(),
    nn.Conv2d(16, 16, 3, padding=1), nn.ReLU(),
    nn.Conv2d(16, 16, 3, padding=1),
).double()
x = torch.randn(n, c, h, w, dtype=torch.float64)
grad_output = torch.randn(n, 16, h, w, dtype=torch.float64)


def forward():
    with torch.no_grad():
        model(x)


def both():
    model.zero_grad(set_to_none=True)
    xg = x.clone().requires_grad_(True)
    model(xg).backward(grad_output)


def timed(run):
    run()
    times = []
    cpu = []
    end = time.perf_counter() + 4
    while len(times) < 7 and (len(times) < 3 or time.perf_counter() < end):
        start = time.perf_counter()
        start_cpu = time.process_time()
        run()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(times) * 1000, statistics.median(cpu) * 1000, len(times)


impl = f"pytorch-{torch.__version__.split('+')[0]}"
rows = []
for op, run in (("forward", forward), ("forward+gradients", both)):
    median_ms, cpu_ms, runs = timed(run)
    rows.append({"impl": impl, "kernels": "cpu", "op": op, "threads": 1, "median_ms": round(median_ms, 3),
                 "cpu_ms": round(cpu_ms, 3), "runs": runs})
print("BENCH " + json.dumps(rows))

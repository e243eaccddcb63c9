"""PyTorch float64 on one thread for the family rows of the benchmark (run by bench/family.ts).

Prints one line: FAMILY [rows] with the problem, op, impl and median_ms of each.
"""
import json
import sys
import statistics
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(2026)
IMPL = f"pytorch-{torch.__version__.split('+')[0]}"


def median_ms(run):
    start = time.perf_counter()
    run()
    first = time.perf_counter() - start
    if first > 5:
        return round(first * 1000, 3)
    times = []
    end = time.perf_counter() + 2
    while len(times) < 7 and (len(times) < 3 or time.perf_counter() < end):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return round(statistics.median(times) * 1000, 3)


rows = []
PROBLEMS = sys.argv[1].split(",") if len(sys.argv) > 1 else ["T1", "P1", "P2"]


def add(problem, op, run):
    rows.append({"problem": problem, "op": op, "impl": IMPL, "median_ms": median_ms(run)})


def transposed():
    # T1: conv_transpose2d (1, 3, 1024, 1024) -> 8 channels, 3x3, stride 2, padding 1: (1, 8, 2047, 2047)
    x = torch.randn(1, 3, 1024, 1024, dtype=torch.float64)
    w = torch.randn(3, 8, 3, 3, dtype=torch.float64)
    b = torch.randn(8, dtype=torch.float64)
    y = F.conv_transpose2d(x, w, b, stride=2, padding=1)
    gy = torch.randn_like(y)
    add("T1", "forward", lambda: F.conv_transpose2d(x, w, b, stride=2, padding=1))
    # its dE/dx is conv2d(dE/dy, w); its dE/dw is the conv's weight gradient with x and dE/dy swapped
    add("T1", "grad-input", lambda: F.conv2d(gy, w, stride=2, padding=1))
    add("T1", "grad-weight", lambda: torch.nn.grad.conv2d_weight(gy, w.shape, x, stride=2, padding=1))


if "T1" in PROBLEMS:
    transposed()

for problem, options in [("P1", dict(kernel_size=3)), ("P2", dict(kernel_size=3, stride=1, padding=1))]:
    if problem not in PROBLEMS:
        continue
    x = torch.randn(1, 3, 1024, 1024, dtype=torch.float64)
    out, indices = F.max_pool2d(x, **options, return_indices=True)
    gy = torch.randn_like(out)
    stride = options.get("stride", 3)
    padding = options.get("padding", 0)
    add(problem, "max forward", lambda: F.max_pool2d(x, **options, return_indices=True))
    add(problem, "max grad-input", lambda: torch.ops.aten.max_pool2d_with_indices_backward(
        gy, x, [3, 3], [stride, stride], [padding, padding], [1, 1], False, indices))
    add(problem, "avg forward", lambda: F.avg_pool2d(x, **options))
    add(problem, "avg grad-input", lambda: torch.ops.aten.avg_pool2d_backward(
        gy, x, [3, 3], [stride, stride], [padding, padding], False, True, None))

print("FAMILY " + json.dumps(rows))

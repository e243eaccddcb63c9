"""PyTorch float64 on one thread, the benchmark's reference row (run by bench/main.ts).

Prints one line: BENCH {"rows": [...], "missing": []} with the same fields as the Node rows.
"""
import json
import resource
import statistics
import sys
import time

import torch

torch.set_num_threads(1)
shape = json.loads(sys.argv[1])
n, c, h, w = shape["input"]
m, cg, kh, kw = shape["weight"]
padding = shape["options"].get("padding", 0)
torch.manual_seed(2026)
x = torch.randn(n, c, h, w, dtype=torch.float64)
weight = torch.randn(m, cg, kh, kw, dtype=torch.float64)
bias = torch.randn(m, dtype=torch.float64)
y = torch.nn.functional.conv2d(x, weight, bias, padding=padding)
grad_output = torch.randn_like(y)
macs = y.numel() * cg * kh * kw
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

ops = {
    "forward": lambda: torch.nn.functional.conv2d(x, weight, bias, padding=padding),
    "grad-input": lambda: torch.nn.grad.conv2d_input(x.shape, weight, grad_output, padding=padding),
    "grad-weight": lambda: torch.nn.grad.conv2d_weight(x, weight.shape, grad_output, padding=padding),
}
rows = []
for op, run in ops.items():
    start = time.perf_counter()
    run()
    first = time.perf_counter() - start
    times = []
    if first > 5:
        times.append(first)
    else:
        end = time.perf_counter() + 2
        while len(times) < 7 and (len(times) < 3 or time.perf_counter() < end):
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
    median_ms = statistics.median(times) * 1000
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rows.append({
        "shape": shape["name"], "op": op, "impl": f"pytorch-{torch.__version__.split('+')[0]}", "dtype": "f64",
        "threads": 1, "median_ms": round(median_ms, 3), "gflops": round(2 * macs / median_ms / 1e6, 2),
        "peak_mb": round(max(0, peak - baseline) / 1024, 1),
    })
print("BENCH " + json.dumps({"rows": rows, "missing": []}))

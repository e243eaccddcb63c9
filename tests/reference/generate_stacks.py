"""Reference fixtures for stacks of layers (torch.nn.Sequential), written by PyTorch.

From the repository root, with the system python3 and the python3-torch package:

    python3 tests/reference/generate_stacks.py

It rewrites tests/reference/stacks/: one folder per case holding the stack as a STACK.json
(the format `convolab compute --stack` reads: PyTorch's keyword names, .npy paths relative to
the file), its weights, the input x, a random dE/dy, and PyTorch's results laid out as
`convolab compute --stack` writes them: output.npy, grad_input.npy and per layer i
layers/i_output.npy, layers/i_grad_output.npy (dE/dy of that layer's output) and, for layers
with weights, layers/i_grad_weight.npy and layers/i_grad_bias.npy. Each case also has a unit
seed (unit.json: dE/dy = 1 at one unit of one layer) and PyTorch's dE/dx for it
(unit_grad_input.npy). manifest.json lists the cases. Every value is seeded.
"""

import json
import shutil
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn

HERE = Path(__file__).resolve().parent
OUT = HERE / "stacks"

# Each layer: (type, keyword arguments as in STACK.json). Conv layers also give in/out channels
# and kernel size, from which the weights are drawn.


def conv(cin, cout, k, bias=True, **kw):
    return ("conv2d", dict(cin=cin, cout=cout, k=k, bias=bias), kw)


def convt(cin, cout, k, bias=True, **kw):
    return ("conv-transpose2d", dict(cin=cin, cout=cout, k=k, bias=bias), kw)


def layer(kind, **kw):
    return (kind, {}, kw)


CASES = [
    # The stack of issue 13's STACK.json example, every layer kind once.
    dict(
        name="issue-example",
        input=(2, 3, 8, 8),
        layers=[
            conv(3, 4, 3, padding=1, stride=1, dilation=1, groups=1, padding_mode="zeros"),
            layer("relu"),
            layer("max-pool2d", kernel_size=2),
            convt(4, 3, 3, bias=False, stride=2, output_padding=1),
            layer("avg-pool2d", kernel_size=3, stride=1, padding=1, count_include_pad=False),
            layer("leaky-relu", negative_slope=0.1),
            layer("tanh"),
            layer("sigmoid"),
        ],
        unit=dict(layer=4, unit=[1, 2, 4, 5]),
    ),
    # Every option away from its default, pairs per axis.
    dict(
        name="options-mix",
        input=(1, 4, 13, 11),
        layers=[
            conv(4, 6, (3, 2), stride=[2, 1], padding=[2, 1], dilation=[1, 2], groups=2, padding_mode="reflect"),
            layer("leaky-relu"),
            layer("max-pool2d", kernel_size=3, stride=[2, 1], padding=1, dilation=[1, 2], ceil_mode=True),
            convt(6, 4, (2, 3), stride=[2, 3], padding=[0, 1], output_padding=[1, 0], dilation=[1, 2], groups=2),
            layer("avg-pool2d", kernel_size=[2, 3], stride=[1, 2], padding=1, ceil_mode=True, divisor_override=5),
            layer("sigmoid"),
            conv(4, 2, 3, bias=False, padding="same", padding_mode="circular"),
            layer("tanh"),
        ],
        unit=dict(layer=3, unit=[0, 1, 6, 4]),
    ),
    # Exact zeros: ReLU at 0 (its derivative there is 0), max-pool ties (the first maximum wins).
    dict(
        name="relu-zeros-ties",
        input=(1, 2, 8, 8),
        zeros=True,
        layers=[
            layer("relu"),
            conv(2, 3, 3, padding=1, padding_mode="replicate"),
            layer("relu"),
            layer("max-pool2d", kernel_size=2, stride=1),
            layer("avg-pool2d", kernel_size=2),
            convt(3, 2, 3, stride=1, padding=1, dilation=2),
            layer("relu"),
        ],
        unit=dict(layer=5, unit=[0, 0, 2, 1]),
    ),
    # Encoder–decoder: two stride-2 convs, two stride-2 transposed convs.
    dict(
        name="encoder-decoder",
        input=(1, 3, 16, 16),
        layers=[
            conv(3, 4, 3, stride=2, padding=1),
            layer("relu"),
            conv(4, 6, 3, stride=2, padding=1),
            layer("relu"),
            convt(6, 4, 3, stride=2, padding=1, output_padding=1),
            layer("relu"),
            convt(4, 3, 3, stride=2, padding=1, output_padding=1),
        ],
        unit=dict(layer=6, unit=[0, 1, 7, 8]),
    ),
    # A small dilated stack (dilation 1, 2, 4) with padding keeping the size.
    dict(
        name="dilated",
        input=(1, 1, 20, 20),
        layers=[
            conv(1, 2, 3, padding=1, dilation=1),
            layer("tanh"),
            conv(2, 2, 3, padding=2, dilation=2),
            layer("tanh"),
            conv(2, 1, 3, padding=4, dilation=4),
        ],
        unit=dict(layer=4, unit=[0, 0, 10, 10]),
    ),
]


def pair(v):
    return tuple(v) if isinstance(v, list) else v


def torch_layer(kind, shape, kw):
    args = {k: pair(v) for k, v in kw.items()}
    if kind == "conv2d":
        return nn.Conv2d(shape["cin"], shape["cout"], shape["k"], bias=shape["bias"], **args)
    if kind == "conv-transpose2d":
        return nn.ConvTranspose2d(shape["cin"], shape["cout"], shape["k"], bias=shape["bias"], **args)
    if kind == "max-pool2d":
        return nn.MaxPool2d(**args)
    if kind == "avg-pool2d":
        return nn.AvgPool2d(**args)
    if kind == "relu":
        return nn.ReLU()
    if kind == "leaky-relu":
        return nn.LeakyReLU(**args)
    if kind == "tanh":
        return nn.Tanh()
    if kind == "sigmoid":
        return nn.Sigmoid()
    raise ValueError(kind)


def save(path, tensor):
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, tensor.detach().numpy().astype(np.float64), allow_pickle=False)


def run(model, x, layers_count, seed_layer=None, seed=None):
    """Forward keeping every layer's output with its gradient; backward from a seed."""
    x = x.clone().requires_grad_(True)
    model.zero_grad(set_to_none=True)
    outputs = []
    h = x
    for module in model:
        h = module(h)
        h.retain_grad()
        outputs.append(h)
    if seed_layer is None:
        loss = (outputs[-1] * seed).sum()
    else:
        loss = outputs[seed_layer][tuple(seed)]
    loss.backward()
    return x, outputs


def generate(case, index):
    torch.manual_seed(1000 + index)
    folder = OUT / case["name"]
    modules = []
    spec = []
    for i, (kind, shape, kw) in enumerate(case["layers"]):
        module = torch_layer(kind, shape, kw).double()
        entry = {"type": kind}
        if kind in ("conv2d", "conv-transpose2d"):
            with torch.no_grad():
                module.weight.copy_(torch.randn_like(module.weight) * 0.5)
                if module.bias is not None:
                    if case.get("zeros") and kind == "conv2d":
                        # one filter of zeros and a zero bias: an output channel of exact zeros
                        module.weight[0].zero_()
                        module.bias.copy_(torch.randn_like(module.bias))
                        module.bias[0] = 0.0
                    else:
                        module.bias.copy_(torch.randn_like(module.bias))
            entry["weight"] = f"w{i}.npy"
            save(folder / f"w{i}.npy", module.weight)
            if module.bias is not None:
                entry["bias"] = f"b{i}.npy"
                save(folder / f"b{i}.npy", module.bias)
        entry.update(kw)
        spec.append(entry)
        modules.append(module)
    model = nn.Sequential(*modules)

    x = torch.randn(*case["input"], dtype=torch.float64)
    if case.get("zeros"):
        x[x.abs() < 0.6] = 0.0
    with torch.no_grad():
        y = model(x)
    grad_output = torch.randn_like(y)

    xg, outputs = run(model, x, len(modules), seed=grad_output)
    save(folder / "x.npy", x)
    save(folder / "grad_output.npy", grad_output)
    save(folder / "output.npy", outputs[-1])
    save(folder / "grad_input.npy", xg.grad)
    for i, (module, out) in enumerate(zip(modules, outputs)):
        save(folder / "layers" / f"{i}_output.npy", out)
        save(folder / "layers" / f"{i}_grad_output.npy", out.grad)
        if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
            save(folder / "layers" / f"{i}_grad_weight.npy", module.weight.grad)
            if module.bias is not None:
                save(folder / "layers" / f"{i}_grad_bias.npy", module.bias.grad)

    unit = case["unit"]
    xu, _ = run(model, x, len(modules), seed_layer=unit["layer"], seed=unit["unit"])
    save(folder / "unit_grad_input.npy", xu.grad)
    (folder / "unit.json").write_text(json.dumps(unit) + "\n")
    (folder / "stack.json").write_text(json.dumps({"layers": spec}, indent=2) + "\n")
    return {
        "name": case["name"],
        "input": list(case["input"]),
        "output": list(y.shape),
        "types": [entry["type"] for entry in spec],
        "unit": unit,
    }


def main():
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    manifest = [generate(case, index) for index, case in enumerate(CASES)]
    (OUT / "manifest.json").write_text(json.dumps({"torch": torch.__version__, "cases": manifest}, indent=2) + "\n")
    total = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    print(f"wrote {len(manifest)} stacks, {total} bytes")


if __name__ == "__main__":
    main()

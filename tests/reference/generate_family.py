"""Reference fixtures for the rest of the Conv2d family: ConvTranspose2d, MaxPool2d, AvgPool2d.

Run with a Python that has PyTorch and NumPy (on Debian: the system python3 with the
python3-torch package). From the repository root:

    /usr/bin/python3 tests/reference/generate_family.py

It rewrites tests/reference/family/: one folder of .npy files per case (float64 values; max-pool
indices as int64, as PyTorch's return_indices) and family.json, which lists the cases with
their options (core's option names) and the settings PyTorch accepts or refuses, with its
output shape or the first line of its error. Every value is seeded: a rerun writes the same files.
"""

import json
import shutil
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

HERE = Path(__file__).resolve().parent
FAMILY = HERE / "family"
SEED_CASE = HERE / "cases" / "seed-stride2-padding1"


def pair(value):
    return tuple(value) if isinstance(value, list) else value


# ConvTranspose2d: weight (C_in, C_out/groups, KH, KW). Options: stride, padding, outputPadding,
# outputSize (through nn.ConvTranspose2d's forward(x, output_size)), dilation, groups.
def transposed(name, input_shape, weight_shape, bias=False, **options):
    return {"name": name, "input": list(input_shape), "weight": list(weight_shape), "bias": bias, "options": options}


TRANSPOSED = [
    # conv_transpose2d(g, w) == dE/dx of the seed's conv2d(x, w, stride 2, padding 1) at dE/dy = g
    transposed("seed-identity-stride2-padding1", (2, 4, 3, 3), (4, 3, 5, 5), stride=2, padding=1),
    transposed("defaults-bias", (1, 2, 3, 3), (2, 3, 3, 3), bias=True),
    transposed("stride2", (1, 2, 4, 4), (2, 2, 3, 3), stride=2),
    transposed("stride2-output-padding1", (1, 2, 4, 4), (2, 2, 3, 3), bias=True, stride=2, outputPadding=1),
    transposed("stride-pair-output-padding-pair", (1, 2, 3, 4), (2, 2, 3, 3), stride=[2, 3], padding=[1, 0], outputPadding=[1, 2]),
    transposed("stride3-padding2", (1, 1, 4, 3), (1, 2, 3, 3), stride=3, padding=2),
    transposed("kernel-1x1-stride2-gaps", (1, 2, 3, 3), (2, 2, 1, 1), bias=True, stride=2),
    transposed("even-kernel-4x4-stride2-padding1", (1, 2, 4, 4), (2, 2, 4, 4), stride=2, padding=1),
    transposed("rect-even-kernel", (1, 2, 4, 5), (2, 2, 2, 4), stride=[2, 1], padding=[0, 1]),
    transposed("dilation2", (1, 2, 4, 4), (2, 2, 3, 3), dilation=2),
    # output padding up to max(stride, dilation) − 1: OP 1 with stride 1 is allowed by dilation 2
    transposed("dilation2-stride1-output-padding1", (1, 2, 4, 4), (2, 2, 3, 3), bias=True, dilation=2, outputPadding=1),
    transposed("dilation-pair-stride2", (1, 2, 4, 3), (2, 1, 3, 2), stride=2, padding=1, dilation=[2, 3], outputPadding=[1, 2]),
    transposed("groups2", (1, 4, 4, 4), (4, 3, 3, 3), bias=True, groups=2, stride=2, padding=1),
    transposed("depthwise", (2, 3, 5, 5), (3, 1, 3, 3), groups=3, stride=2, padding=1, outputPadding=1),
    transposed("depthwise-multiplier2", (1, 2, 4, 5), (2, 2, 2, 3), bias=True, groups=2, stride=[1, 2]),
    transposed("batch3-bias", (3, 2, 3, 4), (2, 2, 3, 3), bias=True, padding=1),
    transposed("output-size-stride2", (1, 2, 4, 4), (2, 2, 3, 3), stride=2, padding=1, outputSize=[8, 7]),
    transposed("output-size-stride3", (1, 1, 3, 3), (1, 2, 2, 3), bias=True, stride=3, outputSize=[9, 11]),
    transposed("combo", (2, 4, 3, 4), (4, 2, 3, 2), bias=True, stride=[2, 3], padding=[1, 2], outputPadding=[1, 0], dilation=[2, 1], groups=2),
]

# MaxPool2d options: kernelSize, stride, padding, dilation, ceilMode.
# AvgPool2d options: kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride.
def pool(name, input_shape, values="normal", **options):
    return {"name": name, "input": list(input_shape), "values": values, "options": options}


MAX_POOL = [
    pool("kernel2-default-stride", (1, 2, 4, 6), kernelSize=2),
    pool("kernel3-stride1-padding1", (2, 2, 5, 5), kernelSize=3, stride=1, padding=1),
    pool("kernel3-stride2-padding1-ceil", (1, 2, 6, 7), kernelSize=3, stride=2, padding=1, ceilMode=True),
    # ceil_mode drops a last window that would start in the right padding: 4 → 3 windows
    pool("ceil-drops-window-in-padding", (1, 1, 5, 5), kernelSize=2, stride=2, padding=1, ceilMode=True),
    pool("ceil-stride-larger-than-kernel", (1, 2, 7, 8), kernelSize=2, stride=3, ceilMode=True),
    pool("ceil-rect", (1, 1, 6, 7), kernelSize=[3, 2], stride=[2, 3], padding=[1, 1], ceilMode=True),
    pool("dilation2-padding1", (1, 2, 7, 7), kernelSize=3, stride=1, padding=1, dilation=2),
    pool("dilation-pair-ceil", (1, 1, 8, 9), kernelSize=[2, 3], stride=2, padding=1, dilation=[3, 2], ceilMode=True),
    pool("rect-kernel", (2, 1, 5, 7), kernelSize=[2, 3], stride=[1, 2], padding=[1, 1]),
    pool("stride-pair", (1, 3, 6, 6), kernelSize=2, stride=[1, 2]),
    pool("even-kernel4-padding2", (1, 1, 6, 6), kernelSize=4, stride=2, padding=2),
    # ties: small integers, so windows hold equal maxima; the first in row-major order wins
    pool("ties-integers", (1, 2, 6, 6), values="integers", kernelSize=3, stride=1, padding=1),
    pool("ties-overlapping-windows", (1, 1, 5, 6), values="integers", kernelSize=[2, 3], stride=1),
    # a plateau: every cell equal, every window picks its first real cell
    pool("plateau", (1, 1, 5, 5), values="constant", kernelSize=3, stride=2, padding=1, ceilMode=True),
    pool("plateau-dilated", (1, 1, 6, 6), values="constant", kernelSize=2, stride=1, padding=1, dilation=2),
    # NaN wins over every number; of several NaNs in a window PyTorch keeps the last
    pool("nan", (1, 1, 4, 6), values="nan", kernelSize=2, stride=[1, 2]),
    pool("minus-infinity", (1, 1, 3, 4), values="minus-infinity", kernelSize=2, stride=1, padding=1),
]

AVG_POOL = [
    pool("kernel2-default-stride", (1, 2, 4, 6), kernelSize=2),
    pool("kernel3-stride1-padding1-count-pad", (2, 2, 5, 5), kernelSize=3, stride=1, padding=1),
    pool("kernel3-stride1-padding1-no-count-pad", (2, 2, 5, 5), kernelSize=3, stride=1, padding=1, countIncludePad=False),
    # ceil-mode windows hanging past input + padding count fewer cells, even with count_include_pad
    pool("ceil-hanging-window-count-pad", (1, 1, 6, 6), kernelSize=3, stride=2, padding=1, ceilMode=True),
    pool("ceil-hanging-window-no-count-pad", (1, 1, 6, 6), kernelSize=3, stride=2, padding=1, ceilMode=True, countIncludePad=False),
    pool("ceil-drops-window-in-padding", (1, 1, 5, 5), kernelSize=2, stride=2, padding=1, ceilMode=True),
    pool("ceil-stride-larger-than-kernel", (1, 2, 7, 8), kernelSize=2, stride=3, ceilMode=True),
    pool("ceil-rect-no-count-pad", (1, 1, 7, 6), kernelSize=[3, 2], stride=[2, 3], padding=[1, 1], ceilMode=True, countIncludePad=False),
    pool("divisor-override", (1, 2, 5, 5), kernelSize=3, stride=2, padding=1, divisorOverride=5),
    pool("divisor-override-ceil", (1, 1, 6, 6), kernelSize=3, stride=2, padding=1, ceilMode=True, divisorOverride=2),
    pool("divisor-override-negative", (1, 1, 4, 4), kernelSize=2, divisorOverride=-3),
    pool("rect-kernel", (2, 1, 5, 7), kernelSize=[3, 2], stride=[2, 1], padding=[1, 0]),
    pool("even-kernel4-padding2-no-count-pad", (1, 1, 6, 6), kernelSize=4, stride=2, padding=2, countIncludePad=False),
]


def torch_transposed(spec, x, w, b):
    o = spec["options"]
    c_in, per_group, kh, kw = spec["weight"]
    groups = o.get("groups", 1)
    layer = torch.nn.ConvTranspose2d(
        c_in, per_group * groups, (kh, kw),
        stride=pair(o.get("stride", 1)), padding=pair(o.get("padding", 0)),
        output_padding=pair(o.get("outputPadding", 0)), groups=groups, bias=b is not None,
        dilation=pair(o.get("dilation", 1)),
    ).double()
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(w))
        if b is not None:
            layer.bias.copy_(torch.from_numpy(b))
    return layer, (lambda t: layer(t, output_size=o["outputSize"]) if "outputSize" in o else layer(t))


def save(folder, arrays):
    folder.mkdir(parents=True)
    for key, value in arrays.items():
        dtype = "<i8" if key == "indices" else "<f8"
        np.save(folder / f"{key}.npy", np.ascontiguousarray(value, dtype=dtype))


def run_transposed(spec, index):
    rng = np.random.default_rng(5000 + index)
    if spec["name"].startswith("seed-identity"):
        # the seed case's upstream gradient and weight, written by generate.py
        x = np.load(SEED_CASE / "grad_output.npy")
        w = np.load(SEED_CASE / "weight.npy")
    else:
        x = rng.standard_normal(spec["input"])
        w = rng.standard_normal(spec["weight"])
    b = rng.standard_normal(spec["weight"][1] * spec["options"].get("groups", 1)) if spec["bias"] else None
    layer, forward = torch_transposed(spec, x, w, b)
    xt = torch.from_numpy(x).requires_grad_(True)
    y = forward(xt)
    g = rng.standard_normal(tuple(y.shape))
    y.backward(torch.from_numpy(g))
    if spec["name"].startswith("seed-identity"):
        identity = np.load(SEED_CASE / "grad_input.npy")
        assert np.abs(y.detach().numpy() - identity).max() <= 1e-12, "conv_transpose2d(g, w) != conv2d's dE/dx"
    arrays = {"x": x, "weight": w, "grad_output": g, "output": y.detach().numpy(),
              "grad_input": xt.grad.numpy(), "grad_weight": layer.weight.grad.numpy()}
    if b is not None:
        arrays["bias"] = b
        arrays["grad_bias"] = layer.bias.grad.numpy()
    save(FAMILY / "conv-transpose2d" / spec["name"], arrays)
    return {**spec, "output": list(y.shape)}


def pool_values(spec, rng):
    shape = spec["input"]
    kind = spec["values"]
    if kind == "normal":
        return rng.standard_normal(shape)
    if kind == "integers":
        return rng.integers(0, 3, shape).astype(np.float64)
    if kind == "constant":
        return np.full(shape, 0.75)
    if kind == "nan":
        x = rng.standard_normal(shape)
        x[0, 0, 0, 1] = np.nan  # window (0, 0): one NaN
        x[0, 0, 2, 2] = np.nan  # window (1, 1) and (2, 1): two NaNs, the later one wins
        x[0, 0, 3, 3] = np.nan
        x[0, 0, 1, 5] = np.inf
        return x
    if kind == "minus-infinity":
        x = rng.standard_normal(shape)
        x[0, 0, 0, :] = -np.inf
        x[0, 0, 1, 0] = -np.inf
        return x
    raise ValueError(kind)


def max_pool_call(options):
    return dict(kernel_size=pair(options["kernelSize"]), stride=pair(options["stride"]) if "stride" in options else None,
                padding=pair(options.get("padding", 0)), dilation=pair(options.get("dilation", 1)),
                ceil_mode=options.get("ceilMode", False))


def avg_pool_call(options):
    return dict(kernel_size=pair(options["kernelSize"]), stride=pair(options["stride"]) if "stride" in options else None,
                padding=pair(options.get("padding", 0)), ceil_mode=options.get("ceilMode", False),
                count_include_pad=options.get("countIncludePad", True),
                divisor_override=options.get("divisorOverride"))


def run_pool(spec, index, kind):
    rng = np.random.default_rng((7000 if kind == "max" else 9000) + index)
    x = pool_values(spec, rng)
    xt = torch.from_numpy(x).requires_grad_(True)
    arrays = {"x": x}
    if kind == "max":
        y, indices = F.max_pool2d(xt, **max_pool_call(spec["options"]), return_indices=True)
        arrays["indices"] = indices.numpy()
    else:
        y = F.avg_pool2d(xt, **avg_pool_call(spec["options"]))
    g = rng.standard_normal(tuple(y.shape))
    y.backward(torch.from_numpy(g))
    arrays.update({"grad_output": g, "output": y.detach().numpy(), "grad_input": xt.grad.numpy()})
    save(FAMILY / f"{kind}-pool2d" / spec["name"], arrays)
    return {**spec, "output": list(y.shape)}


# Settings at the edge of what PyTorch accepts, for each layer: core must accept and refuse the same.
def refusal(layer, name, input_shape, weight_shape=None, **options):
    return {"layer": layer, "name": name, "input": list(input_shape), "weight": weight_shape and list(weight_shape), "options": options}


REFUSALS = [
    refusal("conv-transpose2d", "output-padding-equal-to-stride", (1, 3, 5, 5), (3, 2, 3, 3), stride=2, outputPadding=2),
    refusal("conv-transpose2d", "output-padding-below-stride", (1, 3, 5, 5), (3, 2, 3, 3), stride=2, outputPadding=1),
    refusal("conv-transpose2d", "output-padding-1-stride1-no-dilation", (1, 3, 5, 5), (3, 2, 3, 3), outputPadding=1),
    refusal("conv-transpose2d", "output-padding-1-stride1-dilation2", (1, 3, 5, 5), (3, 2, 3, 3), dilation=2, outputPadding=1),
    refusal("conv-transpose2d", "output-padding-2-stride1-dilation2", (1, 3, 5, 5), (3, 2, 3, 3), dilation=2, outputPadding=2),
    refusal("conv-transpose2d", "output-padding-width-only", (1, 3, 5, 5), (3, 2, 3, 3), stride=[2, 1], outputPadding=[1, 1]),
    refusal("conv-transpose2d", "output-padding-negative", (1, 3, 5, 5), (3, 2, 3, 3), stride=2, outputPadding=-1),
    refusal("conv-transpose2d", "groups-not-dividing-in", (1, 3, 5, 5), (3, 2, 3, 3), groups=2),
    refusal("conv-transpose2d", "groups-dividing", (1, 4, 5, 5), (4, 2, 3, 3), groups=2),
    refusal("conv-transpose2d", "input-channels-mismatch", (1, 4, 5, 5), (3, 2, 3, 3)),
    refusal("conv-transpose2d", "output-too-small", (1, 3, 1, 1), (3, 2, 3, 3), padding=2),
    refusal("conv-transpose2d", "output-just-one", (1, 3, 1, 1), (3, 2, 3, 3), padding=1),
    refusal("conv-transpose2d", "padding-negative", (1, 3, 3, 3), (3, 2, 3, 3), padding=-1),
    refusal("conv-transpose2d", "stride-zero", (1, 3, 3, 3), (3, 2, 3, 3), stride=0),
    refusal("conv-transpose2d", "dilation-zero", (1, 3, 3, 3), (3, 2, 3, 3), dilation=0),
    refusal("conv-transpose2d", "output-size-smallest", (1, 3, 5, 5), (3, 2, 3, 3), stride=2, outputSize=[11, 11]),
    refusal("conv-transpose2d", "output-size-largest", (1, 3, 5, 5), (3, 2, 3, 3), stride=2, outputSize=[12, 12]),
    refusal("conv-transpose2d", "output-size-above", (1, 3, 5, 5), (3, 2, 3, 3), stride=2, outputSize=[13, 12]),
    refusal("conv-transpose2d", "output-size-below", (1, 3, 5, 5), (3, 2, 3, 3), stride=2, outputSize=[12, 10]),
    refusal("conv-transpose2d", "output-size-stride1-dilation2", (1, 3, 5, 5), (3, 2, 3, 3), dilation=2, outputSize=[10, 10]),
    refusal("max-pool2d", "padding-half-kernel", (1, 1, 5, 5), kernelSize=3, padding=1),
    refusal("max-pool2d", "padding-above-half-kernel", (1, 1, 5, 5), kernelSize=3, padding=2),
    refusal("max-pool2d", "padding-half-even-kernel", (1, 1, 5, 5), kernelSize=4, padding=2),
    refusal("max-pool2d", "padding-above-half-dilated", (1, 1, 9, 9), kernelSize=3, padding=2, dilation=3),
    refusal("max-pool2d", "padding-pair-width-too-large", (1, 1, 5, 5), kernelSize=[4, 2], padding=[2, 2]),
    refusal("max-pool2d", "stride-zero", (1, 1, 5, 5), kernelSize=2, stride=0),
    refusal("max-pool2d", "dilation-zero", (1, 1, 5, 5), kernelSize=2, dilation=0),
    refusal("max-pool2d", "kernel-zero", (1, 1, 5, 5), kernelSize=0),
    refusal("max-pool2d", "kernel-larger-than-input", (1, 1, 2, 2), kernelSize=3),
    refusal("max-pool2d", "kernel-fits-with-padding", (1, 1, 2, 2), kernelSize=4, padding=2),
    refusal("max-pool2d", "dilated-kernel-larger-than-input", (1, 1, 4, 4), kernelSize=3, dilation=2),
    refusal("max-pool2d", "ceil-keeps-window-in-input", (1, 1, 6, 6), kernelSize=2, stride=2, padding=1, ceilMode=True),
    refusal("max-pool2d", "ceil-drops-window-in-padding", (1, 1, 5, 5), kernelSize=2, stride=2, padding=1, ceilMode=True),
    refusal("avg-pool2d", "padding-half-kernel", (1, 1, 5, 5), kernelSize=3, padding=1),
    refusal("avg-pool2d", "padding-above-half-kernel", (1, 1, 5, 5), kernelSize=3, padding=2),
    refusal("avg-pool2d", "kernel-larger-than-input", (1, 1, 2, 2), kernelSize=3),
    refusal("avg-pool2d", "stride-zero", (1, 1, 5, 5), kernelSize=2, stride=0),
    refusal("avg-pool2d", "divisor-zero", (1, 1, 5, 5), kernelSize=2, divisorOverride=0),
    refusal("avg-pool2d", "divisor-negative", (1, 1, 5, 5), kernelSize=2, divisorOverride=-2),
    refusal("avg-pool2d", "ceil-stride3", (1, 1, 7, 7), kernelSize=2, stride=3, ceilMode=True),
]


def verdict(spec):
    o = spec["options"]
    try:
        x = torch.zeros(spec["input"], dtype=torch.float64)
        if spec["layer"] == "conv-transpose2d":
            w = torch.zeros(spec["weight"], dtype=torch.float64)
            if "outputSize" in o:
                layer = torch.nn.ConvTranspose2d(
                    spec["weight"][0], spec["weight"][1] * o.get("groups", 1), tuple(spec["weight"][2:]),
                    stride=pair(o.get("stride", 1)), padding=pair(o.get("padding", 0)),
                    dilation=pair(o.get("dilation", 1)), groups=o.get("groups", 1), bias=False).double()
                y = layer(x, output_size=o["outputSize"])
            else:
                y = F.conv_transpose2d(x, w, stride=pair(o.get("stride", 1)), padding=pair(o.get("padding", 0)),
                                       output_padding=pair(o.get("outputPadding", 0)), groups=o.get("groups", 1),
                                       dilation=pair(o.get("dilation", 1)))
        elif spec["layer"] == "max-pool2d":
            y = F.max_pool2d(x, **max_pool_call(o))
        else:
            y = F.avg_pool2d(x, **avg_pool_call(o))
        return {**spec, "output": list(y.shape)}
    except (RuntimeError, ValueError) as error:
        return {**spec, "torchError": str(error).splitlines()[0]}


def one_per_line(manifest):
    """JSON with one case per line: short, and diffs show which case changed."""
    parts = [f'"generator": {json.dumps(manifest["generator"])}']
    for key in ["convTranspose2d", "maxPool2d", "avgPool2d", "refusals"]:
        parts.append(f'"{key}": [\n' + ",\n".join(json.dumps(entry) for entry in manifest[key]) + "\n]")
    return "{" + ",\n".join(parts) + "}\n"


if __name__ == "__main__":
    torch.set_num_threads(1)
    shutil.rmtree(FAMILY, ignore_errors=True)
    FAMILY.mkdir(parents=True)
    for group in [TRANSPOSED, MAX_POOL, AVG_POOL]:
        names = [spec["name"] for spec in group]
        assert len(set(names)) == len(names), "case names must be unique"
    manifest = {
        "generator": f"PyTorch {torch.__version__}, NumPy {np.__version__}, float64 on CPU",
        "convTranspose2d": [run_transposed(spec, i) for i, spec in enumerate(TRANSPOSED)],
        "maxPool2d": [run_pool(spec, i, "max") for i, spec in enumerate(MAX_POOL)],
        "avgPool2d": [run_pool(spec, i, "avg") for i, spec in enumerate(AVG_POOL)],
        "refusals": [verdict(spec) for spec in REFUSALS],
    }
    (FAMILY / "family.json").write_text(one_per_line(manifest))
    print(f"{len(TRANSPOSED)} ConvTranspose2d, {len(MAX_POOL)} MaxPool2d, {len(AVG_POOL)} AvgPool2d cases and "
          f"{len(REFUSALS)} settings in {FAMILY.relative_to(HERE.parent.parent)}/")

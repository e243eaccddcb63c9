"""Reference fixtures for Convolab's core, written by PyTorch and NumPy.

Run with a Python that has PyTorch and NumPy (on Debian: the system python3 with the
python3-torch package). From the repository root:

    python3 tests/reference/generate.py

It rewrites tests/reference/cases/ (one folder of float64 .npy files per Conv2d case, plus
cases.json), validity.json (settings at the edge of what PyTorch accepts, with its verdict)
and tests/reference/npy-formats/ (tiny files in every dtype, byte order, memory
order and format version NumPy writes, plus manifest.json). The files are committed so the
tests need no Python. Every value is seeded, so a rerun writes the same numbers.
"""

import io
import json
import shutil
from pathlib import Path

import numpy as np
import torch

HERE = Path(__file__).resolve().parent
CASES = HERE / "cases"
FORMATS = HERE / "npy-formats"


def case(name, input_shape, weight_shape, bias=False, **options):
    return {"name": name, "input": list(input_shape), "weight": list(weight_shape), "bias": bias, "options": options}


# Options use core's Conv2dOptions names: stride, padding, dilation, groups, paddingMode.
# Pairs are [h, w] lists, as in TypeScript.
CASE_LIST = [
    # The seed notebook's example: x and w come from np.random.seed(123) (see seed_tensors).
    case("seed-stride1-padding0", (2, 3, 7, 7), (4, 3, 5, 5), stride=1, padding=0),
    case("seed-stride2-padding1", (2, 3, 7, 7), (4, 3, 5, 5), stride=2, padding=1),
    # Defaults, bias and batch.
    case("defaults-bias", (1, 2, 6, 6), (3, 2, 3, 3), bias=True),
    case("batch3-bias", (3, 2, 5, 6), (2, 2, 3, 3), bias=True, padding=1),
    case("single-channel", (1, 1, 5, 5), (1, 1, 3, 3)),
    # Stride.
    case("stride2", (2, 2, 7, 7), (3, 2, 3, 3), bias=True, stride=2),
    case("stride-pair", (1, 2, 8, 9), (2, 2, 3, 3), stride=[2, 3], padding=1),
    case("stride-not-dividing", (1, 2, 8, 8), (2, 2, 3, 3), stride=3),
    case("stride-larger-than-kernel", (1, 1, 9, 10), (2, 1, 2, 2), stride=[3, 4]),
    case("stride-not-dividing-padding", (2, 1, 9, 7), (2, 1, 4, 3), bias=True, stride=[4, 2], padding=[1, 2]),
    # Explicit padding.
    case("padding2", (1, 2, 5, 5), (2, 2, 3, 3), padding=2),
    case("padding-pair", (1, 2, 5, 6), (2, 2, 3, 3), padding=[1, 2]),
    case("padding-larger-than-kernel", (1, 1, 5, 5), (2, 1, 3, 3), bias=True, padding=4),
    case("rect-kernel-padding-short-side", (1, 2, 6, 7), (2, 2, 2, 5), padding=2),
    case("rect-kernel-padding-pair", (2, 1, 6, 5), (3, 1, 3, 1), padding=[1, 2], stride=[1, 2]),
    case("valid", (1, 2, 6, 6), (2, 2, 3, 3), padding="valid"),
    # Even and rectangular kernels.
    case("even-kernel-4x4", (1, 2, 7, 7), (2, 2, 4, 4), bias=True, padding=1),
    case("even-kernel-2x2-stride2", (2, 1, 6, 7), (2, 1, 2, 2), stride=2),
    case("kernel-1x1-stride2", (1, 3, 5, 5), (2, 3, 1, 1), stride=2),
    case("kernel-equals-input", (1, 2, 4, 5), (3, 2, 4, 5), bias=True),
    # 'same' padding, including the asymmetric cases (even kernels, odd total D*(K-1)).
    case("same-odd-kernel", (1, 2, 6, 5), (2, 2, 3, 3), padding="same"),
    case("same-even-kernel", (1, 2, 6, 6), (2, 2, 4, 4), bias=True, padding="same"),
    case("same-even-rect-dilation", (1, 1, 6, 7), (2, 1, 4, 2), padding="same", dilation=[1, 3]),
    case("same-dilation2", (1, 2, 7, 7), (2, 2, 3, 3), padding="same", dilation=2),
    # Dilation.
    case("dilation2", (1, 2, 8, 8), (2, 2, 3, 3), dilation=2),
    case("dilation-pair-stride", (1, 2, 9, 10), (2, 2, 3, 3), bias=True, dilation=[1, 3], stride=2, padding=1),
    # Groups.
    case("groups2", (1, 4, 6, 6), (6, 2, 3, 3), bias=True, groups=2, padding=1),
    case("depthwise", (2, 3, 6, 6), (3, 1, 3, 3), groups=3, padding=1),
    case("depthwise-multiplier2", (1, 2, 6, 5), (4, 1, 3, 2), bias=True, groups=2, stride=[1, 2]),
    # Padding modes.
    case("reflect1", (1, 2, 5, 5), (2, 2, 3, 3), padding=1, paddingMode="reflect"),
    case("reflect-pair-stride2", (1, 1, 6, 7), (2, 1, 3, 3), bias=True, padding=[2, 1], stride=2, paddingMode="reflect"),
    case("reflect-largest", (1, 1, 4, 5), (1, 1, 3, 3), padding=[3, 4], paddingMode="reflect"),
    case("replicate2", (1, 2, 5, 5), (2, 2, 3, 3), padding=2, paddingMode="replicate"),
    case("replicate-pair-even-kernel", (1, 1, 5, 6), (2, 1, 2, 2), padding=[1, 3], paddingMode="replicate"),
    case("replicate-padding-larger-than-kernel", (1, 1, 4, 4), (1, 1, 2, 2), padding=3, paddingMode="replicate"),
    case("circular1", (1, 2, 5, 5), (2, 2, 3, 3), padding=1, paddingMode="circular"),
    case("circular-pair-full-size", (1, 1, 4, 5), (2, 1, 3, 3), bias=True, padding=[4, 2], paddingMode="circular"),
    case("same-reflect-even-kernel", (1, 2, 5, 6), (2, 2, 4, 2), padding="same", paddingMode="reflect"),
    case("same-replicate-dilation", (1, 1, 6, 6), (2, 1, 2, 3), bias=True, padding="same", dilation=[3, 2], paddingMode="replicate"),
    case("same-circular-even-kernel", (2, 1, 5, 5), (1, 1, 4, 4), padding="same", paddingMode="circular"),
    # Everything at once.
    case("combo-zeros", (2, 4, 9, 8), (4, 2, 3, 2), bias=True, stride=[2, 1], padding=[0, 2], dilation=[2, 1], groups=2),
    case("combo-reflect", (2, 4, 8, 9), (2, 2, 3, 3), bias=True, stride=2, padding=2, dilation=2, groups=2, paddingMode="reflect"),
    case("combo-circular-depthwise", (1, 3, 7, 6), (6, 1, 2, 3), bias=True, stride=[1, 2], padding=[2, 1], dilation=[2, 1], groups=3, paddingMode="circular"),
    case("combo-replicate-batch3", (3, 2, 6, 7), (2, 1, 4, 3), stride=[3, 2], padding=[3, 1], dilation=[1, 2], groups=2, paddingMode="replicate"),
]


def torch_value(value):
    return tuple(value) if isinstance(value, list) else value


def seed_tensors():
    np.random.seed(123)
    x = np.random.rand(2, 3, 7, 7)
    w = np.random.rand(4, 3, 5, 5)
    return x, w


def run_case(spec, index):
    rng = np.random.default_rng(1000 + index)
    if spec["name"].startswith("seed-"):
        x, w = seed_tensors()
    else:
        x = rng.standard_normal(spec["input"])
        w = rng.standard_normal(spec["weight"])
    b = rng.standard_normal(spec["weight"][0]) if spec["bias"] else None

    options = spec["options"]
    out_channels, _, kernel_h, kernel_w = spec["weight"]
    conv = torch.nn.Conv2d(
        spec["input"][1],
        out_channels,
        (kernel_h, kernel_w),
        stride=torch_value(options.get("stride", 1)),
        padding=torch_value(options.get("padding", 0)),
        dilation=torch_value(options.get("dilation", 1)),
        groups=options.get("groups", 1),
        bias=spec["bias"],
        padding_mode=options.get("paddingMode", "zeros"),
    ).double()
    with torch.no_grad():
        conv.weight.copy_(torch.from_numpy(w))
        if b is not None:
            conv.bias.copy_(torch.from_numpy(b))

    xt = torch.from_numpy(x).requires_grad_(True)
    y = conv(xt)
    g = rng.standard_normal(tuple(y.shape))
    y.backward(torch.from_numpy(g))

    arrays = {
        "x": x,
        "weight": w,
        "grad_output": g,
        "output": y.detach().numpy(),
        "grad_input": xt.grad.numpy(),
        "grad_weight": conv.weight.grad.numpy(),
    }
    if b is not None:
        arrays["bias"] = b
        arrays["grad_bias"] = conv.bias.grad.numpy()
    folder = CASES / spec["name"]
    folder.mkdir(parents=True)
    for key, value in arrays.items():
        np.save(folder / f"{key}.npy", np.ascontiguousarray(value, dtype="<f8"))
    return {**spec, "output": list(y.shape)}


def one_per_line(manifest, key):
    """JSON with one entry of manifest[key] per line: short, and diffs show which entry changed."""
    rest = {name: value for name, value in manifest.items() if name != key}
    lines = [json.dumps(entry) for entry in manifest[key]]
    head = json.dumps(rest)[1:-1]
    return "{" + head + ', "' + key + '": [\n' + ",\n".join(lines) + "\n]}\n"


def write_cases():
    shutil.rmtree(CASES, ignore_errors=True)
    CASES.mkdir(parents=True)
    names = [spec["name"] for spec in CASE_LIST]
    assert len(set(names)) == len(names), "case names must be unique"
    manifest = {
        "generator": f"PyTorch {torch.__version__}, NumPy {np.__version__}, float64 on CPU",
        "cases": [run_case(spec, index) for index, spec in enumerate(CASE_LIST)],
    }
    (HERE / "cases.json").write_text(one_per_line(manifest, "cases"))
    return len(CASE_LIST)


# Settings at the edge of what PyTorch accepts: core must accept and refuse the same ones.
VALIDITY_LIST = [
    case("reflect-padding-one-less-than-height", (1, 1, 4, 5), (1, 1, 3, 3), padding=3, paddingMode="reflect"),
    case("reflect-padding-equal-to-height", (1, 1, 4, 5), (1, 1, 3, 3), padding=4, paddingMode="reflect"),
    case("reflect-padding-equal-to-width", (1, 1, 5, 4), (1, 1, 3, 3), padding=[1, 4], paddingMode="reflect"),
    case("reflect-1x1-input", (1, 1, 1, 1), (1, 1, 1, 1), padding=1, paddingMode="reflect"),
    case("circular-padding-equal-to-size", (1, 1, 4, 5), (1, 1, 3, 3), padding=[4, 5], paddingMode="circular"),
    case("circular-padding-above-height", (1, 1, 4, 5), (1, 1, 3, 3), padding=5, paddingMode="circular"),
    case("circular-padding-above-width", (1, 1, 4, 5), (1, 1, 3, 3), padding=[4, 6], paddingMode="circular"),
    case("circular-1x1-input", (1, 1, 1, 1), (1, 1, 1, 1), padding=1, paddingMode="circular"),
    case("replicate-padding-far-above-size", (1, 1, 2, 2), (1, 1, 3, 3), padding=9, paddingMode="replicate"),
    case("kernel-equal-to-input", (1, 1, 5, 5), (1, 1, 5, 5)),
    case("kernel-taller-than-input", (1, 1, 5, 5), (1, 1, 6, 5)),
    case("dilated-kernel-equal-to-input", (1, 1, 5, 5), (1, 1, 3, 3), dilation=2),
    case("dilated-kernel-larger-than-input", (1, 1, 5, 5), (1, 1, 3, 3), dilation=3),
    case("same-with-stride2", (1, 1, 5, 5), (1, 1, 3, 3), padding="same", stride=2),
    case("same-with-stride-pair", (1, 1, 5, 5), (1, 1, 3, 3), padding="same", stride=[1, 2]),
    case("valid-with-stride2", (1, 1, 5, 5), (1, 1, 3, 3), padding="valid", stride=2),
    case("same-reflect-too-small", (1, 1, 2, 2), (1, 1, 4, 4), padding="same", paddingMode="reflect"),
    case("same-reflect-just-fits", (1, 1, 3, 3), (1, 1, 4, 4), padding="same", paddingMode="reflect"),
    case("same-circular-fits", (1, 1, 2, 2), (1, 1, 4, 4), padding="same", paddingMode="circular"),
    case("same-circular-wraps-twice", (1, 1, 1, 1), (1, 1, 4, 4), padding="same", paddingMode="circular"),
    case("same-zeros-1x1-input", (1, 1, 1, 1), (1, 1, 4, 4), padding="same"),
    case("groups-not-dividing-in", (1, 3, 5, 5), (2, 1, 3, 3), groups=2),
    case("groups-not-dividing-out", (1, 4, 5, 5), (3, 2, 3, 3), groups=2),
    case("stride-zero", (1, 1, 5, 5), (1, 1, 3, 3), stride=0),
    case("padding-negative", (1, 1, 5, 5), (1, 1, 3, 3), padding=-1),
    case("dilation-zero", (1, 1, 5, 5), (1, 1, 3, 3), dilation=0),
]


def torch_verdict(spec):
    """PyTorch's output shape for a setting, or the first line of its error."""
    options = spec["options"]
    try:
        conv = torch.nn.Conv2d(
            spec["input"][1],
            spec["weight"][0],
            tuple(spec["weight"][2:]),
            stride=torch_value(options.get("stride", 1)),
            padding=torch_value(options.get("padding", 0)),
            dilation=torch_value(options.get("dilation", 1)),
            groups=options.get("groups", 1),
            bias=False,
            padding_mode=options.get("paddingMode", "zeros"),
        ).double()
        return {**spec, "output": list(conv(torch.zeros(spec["input"], dtype=torch.float64)).shape)}
    except (RuntimeError, ValueError) as error:
        return {**spec, "torchError": str(error).splitlines()[0]}


def write_validity():
    verdicts = [torch_verdict(spec) for spec in VALIDITY_LIST]
    manifest = {"generator": f"PyTorch {torch.__version__}", "settings": verdicts}
    (HERE / "validity.json").write_text(one_per_line(manifest, "settings"))
    return len(verdicts)


# Values chosen to be exact in every dtype, so the expected float64 values are unambiguous.
def format_values(kind):
    base = np.arange(24).reshape(2, 3, 4)
    return {
        "f8": (base - 11.5) * 0.75 + 1e-9 * base,
        "f4": (base - 11.5) * 0.75,
        "f2": (base - 11.5) * 0.75,
        "i1": base - 11,
        "i2": (base - 11) * 1000,
        "i4": (base - 11) * 100_000_000,
        "i8": (base - 11) * 10**15,
        "u1": base * 10,
        "u2": base * 2000,
        "u4": base * 100_000_000,
        "u8": base * 10**17,
        "b1": base % 3 == 0,
    }[kind]


def save_version(path, array, version):
    with open(path, "wb") as file:
        np.lib.format.write_array(file, array, version=version, allow_pickle=False)


def write_formats():
    shutil.rmtree(FORMATS, ignore_errors=True)
    FORMATS.mkdir(parents=True)
    entries = []

    def add(file, array, **extra):
        entries.append({
            "file": file,
            "dtype": str(array.dtype.newbyteorder("=")),
            "shape": list(array.shape),
            "values": np.asarray(array, dtype=np.float64).ravel(order="C").tolist(),
            **extra,
        })

    # Every dtype in both byte orders, C and Fortran order, format version 1.0.
    for kind in ["f8", "f4", "f2", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "b1"]:
        values = format_values(kind)
        orders = ["<", ">"] if kind[1] != "1" else ["|"]
        for order in orders:
            for layout in ["C", "F"]:
                array = np.array(values, dtype=np.dtype(order + kind), order=layout)
                file = f"{kind}-{'le' if order == '<' else 'be' if order == '>' else 'na'}-{layout}.npy"
                save_version(FORMATS / file, array, (1, 0))
                add(file, array)

    # Format versions 2.0 and 3.0, and ranks 0, 1, 4 and an empty array.
    for version in [(2, 0), (3, 0)]:
        for layout in ["C", "F"]:
            array = np.array(format_values("f8"), dtype=">f8", order=layout)
            file = f"f8-be-{layout}-v{version[0]}.npy"
            save_version(FORMATS / file, array, version)
            add(file, array)
    shapes = {"rank0": (), "rank1": (5,), "rank4": (2, 1, 3, 2), "empty": (0, 3)}
    for label, shape in shapes.items():
        array = np.arange(np.prod(shape, dtype=int), dtype="<f8").reshape(shape) * 0.5 - 1
        file = f"f8-{label}.npy"
        np.save(FORMATS / file, array)
        add(file, array, savedByNpSave=True)
    fortran4 = np.asfortranarray(np.arange(48, dtype="<i4").reshape(2, 3, 4, 2))
    save_version(FORMATS / "i4-le-F-rank4.npy", fortran4, (1, 0))
    add("i4-le-F-rank4.npy", fortran4)
    saved = np.arange(6, dtype="<f8").reshape(2, 3) / 7
    np.save(FORMATS / "f8-2x3-np-save.npy", saved)
    add("f8-2x3-np-save.npy", saved, savedByNpSave=True)

    # Dtypes Convolab refuses: complex, object, strings, structured.
    refused = {
        "complex128.npy": np.array([1 + 2j, 3 - 1j]),
        "unicode.npy": np.array(["ab", "c"]),
        "structured.npy": np.array([(1, 2.0)], dtype=[("a", "<i4"), ("b", "<f8")]),
    }
    for file, array in refused.items():
        np.save(FORMATS / file, array)
    buffer = io.BytesIO()
    np.save(buffer, np.array([1, "a"], dtype=object), allow_pickle=True)
    (FORMATS / "object.npy").write_bytes(buffer.getvalue())

    manifest = {"readable": entries, "refused": sorted([*refused, "object.npy"])}
    (FORMATS / "manifest.json").write_text(one_per_line(manifest, "readable"))
    return len(entries)


if __name__ == "__main__":
    torch.set_num_threads(1)
    cases = write_cases()
    formats = write_formats()
    validity = write_validity()
    print(f"{cases} Conv2d cases in {CASES.name}/, {formats} readable .npy files in {FORMATS.name}/, "
          f"{validity} settings in validity.json")

"""Which BLAS this PyTorch runs on, as one JSON object (bench/torch-baseline.bench.ts prints it).

Four views, since each can be missing or mislead: the BLAS libraries mapped
into this process after a product (/proc/self/maps: what really runs),
OpenBLAS's own core type, configuration and thread count (through ctypes),
threadpoolctl's report when it is installed, torch.__config__.show()'s
BLAS_INFO (Debian's build says 'generic': it links libblas.so.3, whichever
library the alternative points to), and the libblas.so.3 alternative.
    python3 bench/torch_blas.py
"""
import ctypes
import json
import os
import re
import subprocess


def mapped(pattern):
    with open("/proc/self/maps", encoding="utf8") as maps:
        return sorted({line.split()[-1] for line in maps if re.search(pattern, line.split()[-1] if len(line.split()) > 5 else "")})


def blas_info():
    import torch

    torch.randn(64, 64) @ torch.randn(64, 64)  # loads the BLAS if it is loaded lazily
    info = {
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "cores": os.cpu_count(),
        "libraries": mapped(r"blas|lapack|dnnl|mkl|gomp"),
        "env": {k: os.environ[k] for k in sorted(os.environ) if k.startswith(("OPENBLAS_", "OMP_", "MKL_", "GOTO"))},
    }
    config = torch.__config__.show()
    found = re.search(r"BLAS_INFO=([^,\s]+)", config)
    info["config_blas_info"] = found.group(1) if found else None
    info["cpu_capability"] = (re.search(r"CPU capability usage: (\S+)", config) or [None, None])[1]
    info["mkldnn"] = "USE_MKLDNN=ON" in config
    openblas = [path for path in info["libraries"] if "libopenblas" in path]
    if openblas:
        lib = ctypes.CDLL(openblas[0])
        lib.openblas_get_corename.restype = ctypes.c_char_p
        lib.openblas_get_config.restype = ctypes.c_char_p
        info["openblas"] = {
            "core": lib.openblas_get_corename().decode(),
            "config": lib.openblas_get_config().decode(),
            "threads": lib.openblas_get_num_threads(),
        }
    try:
        from threadpoolctl import threadpool_info

        info["threadpoolctl"] = [{k: p.get(k) for k in ("internal_api", "version", "num_threads", "architecture", "filepath")} for p in threadpool_info()]
    except ImportError:
        info["threadpoolctl"] = None
    try:
        query = subprocess.run(["update-alternatives", "--query", "libblas.so.3-x86_64-linux-gnu"], capture_output=True, text=True, timeout=10).stdout
        value = re.search(r"^Value: (.+)$", query, re.M)
        info["alternative"] = value.group(1) if value else None
    except (OSError, subprocess.SubprocessError):
        info["alternative"] = None
    if info["alternative"] is None:
        link = "/usr/lib/x86_64-linux-gnu/libblas.so.3"
        info["alternative"] = os.path.realpath(link) if os.path.exists(link) else None
    return info


def summary(info):
    """One line: which BLAS, how configured."""
    if "openblas" in info:
        o = info["openblas"]
        blas = f"OpenBLAS {o['config'].split()[1]} ({o['core']} kernels, {o['threads']} BLAS thread{'s' if o['threads'] != 1 else ''})"
    elif any("libblas.so" in p for p in info["libraries"]):
        blas = f"reference BLAS ({', '.join(p for p in info['libraries'] if 'blas' in p)}): slow; apt-get install libopenblas0-pthread"
    else:
        blas = "no BLAS library mapped"
    extra = ", oneDNN" if any("dnnl" in p for p in info["libraries"]) else ""
    return f"PyTorch {info['torch']}, {info['torch_threads']} intra-op thread(s), {blas}{extra}; libblas.so.3 -> {info['alternative']}"


if __name__ == "__main__":
    found = blas_info()
    found["summary"] = summary(found)
    print(json.dumps(found))

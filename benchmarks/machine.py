"""Facts about the machine and the libraries, printed before any figure."""

from __future__ import annotations

import os
import platform
import sys
from importlib import metadata

BLAS_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
            "MKL_NUM_THREADS")
PACKAGES = ("numpy", "pandas", "scipy", "pymcdm", "scikit-criteria", "inequality", "libpysal",
            "esda",  # issue 14: convergence, spatial
            "openpyxl", "xlwings", "trade-resilience-xl")


def _cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory():
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            kb = int(f.readline().split()[1])
        return f"{kb / 1024 ** 2:.1f} GB"
    except (OSError, ValueError, IndexError):
        return "unknown"


def _load():
    try:
        one, five, fifteen = os.getloadavg()
    except (AttributeError, OSError):
        return "unknown"
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f} (other processes share the CPUs when > 0)"


def _blas():
    import numpy  # noqa: F401 - threadpoolctl only sees libraries already loaded
    try:
        import threadpoolctl
    except ImportError:
        threadpoolctl = None
    if threadpoolctl is not None:
        rows = []
        for info in threadpoolctl.threadpool_info():
            rows.append(f"{info.get('internal_api')} {info.get('version')} "
                        f"(kernel {info.get('architecture', '?')}, {info.get('num_threads')} "
                        f"threads, {info.get('threading_layer', '?')}; "
                        f"{os.path.basename(info.get('filepath', ''))})")
        if rows:
            return "; ".join(rows) + " [threadpoolctl]"
    try:
        cfg = numpy.show_config(mode="dicts")
        blas = cfg["Build Dependencies"]["blas"]
        return f"{blas.get('name')} {blas.get('version')} [numpy.show_config; kernel unknown]"
    except Exception:  # noqa: BLE001 - older NumPy: no dict mode
        return "see numpy.show_config()"


def facts() -> list[tuple[str, str]]:
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    versions = []
    for name in PACKAGES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} (absent)")
    env = [f"{k}={os.environ[k]}" for k in BLAS_ENV if k in os.environ]
    return [
        ("CPU", f"{_cpu_model()}; {os.cpu_count()} logical CPUs, {usable} usable"),
        ("memory", _memory()),
        ("load average (1, 5, 15 min) at start", _load()),
        ("platform", platform.platform()),
        ("python",
         f"{platform.python_implementation()} {sys.version.split()[0]} ({sys.executable})"),
        ("BLAS", _blas()),
        ("BLAS environment", ", ".join(env) if env else "none of " + ", ".join(BLAS_ENV) + " set"),
        ("packages", ", ".join(versions)),
    ]


def markdown() -> str:
    lines = ["## Machine", ""]
    lines += [f"- **{k}**: {v}" for k, v in facts()]
    return "\n".join(lines)

"""`make bench`: every benchmark of the project, as one table with the machine it ran on."""

from __future__ import annotations

import importlib
import os
import platform
import time


def main() -> None:
    print(f"benchmarks, {time.strftime('%Y-%m-%d %H:%M')} on {platform.machine()}, "
          f"{os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"{'measure':<48} value")
    print("-" * 72)
    for name in ("bench_engine", "bench_bot", "bench_delivery"):
        try:
            module = importlib.import_module(f"benchmarks.{name}")
        except ModuleNotFoundError as e:
            print(f"{name:<48} not run: {e}")
            continue
        for measure, value in module.run():
            print(f"{measure:<48} {value}", flush=True)


if __name__ == "__main__":
    main()

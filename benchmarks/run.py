"""`make bench`: run every benchmark module (benchmarks/<name>.py with a ``run() -> dict``).

Each module measures its figures and a baseline in the same run, prints them as ratios and writes
``benchmarks/results/<name>.json``. Benchmarks that need PostgreSQL create their own database.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
MODULES = ["reporting", "register", "preparedness"]


def main(argv: list[str]) -> int:
    wanted = argv[1:] or MODULES
    RESULTS.mkdir(parents=True, exist_ok=True)
    failed = 0
    for name in wanted:
        try:
            module = importlib.import_module(f"benchmarks.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"benchmarks.{name}":
                print(f"[{name}] not present, skipped")
                continue
            raise
        started = time.perf_counter()
        figures = module.run()
        figures["_wall_s"] = round(time.perf_counter() - started, 2)
        (RESULTS / f"{name}.json").write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"[{name}] " + json.dumps(figures, ensure_ascii=False))
        failed += int(bool(figures.get("failed_targets")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

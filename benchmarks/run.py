"""`make bench` / `make bench-smoke`: run every benchmark module (benchmarks/<name>.py with a ``run() -> dict``).

Each module measures its figures and, for every time or rate, a baseline in the same run, and reports their ratio;
the targets are on the ratios (absolute figures are information, written with the machine's load average during
the run). Results go to ``benchmarks/results/<name>.json``. Benchmarks that need PostgreSQL create their own
database.

Exit status: 0 when every module ran and met its targets; 1 when a module crashed, returned no figures, or missed
a target (``failed_targets``) or a correctness check (``failed_checks``: lost submissions, refused requests).

``--smoke`` runs every module at a tiny size (seconds, separate ``*_smoke`` databases) and writes to
``benchmarks/results/smoke/``: it proves the benchmarks still run and their correctness checks hold; timing
targets are reported but do not fail a smoke run (tiny sizes say nothing about speed).
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
RESULTS = BENCH_DIR / "results"
MODULES = ["reporting", "register", "preparedness", "embedded", "comms", "command"]

# Tiny sizes for --smoke: every code path runs, in seconds.
SMOKE_ENV = {
    "BENCH_SMOKE": "1",
    "BENCH_UNITS_PER_KOMMUN": "1",
    "BENCH_INGEST_REQUESTS": "120",
    "BENCH_FRAGMENT_POLLS": "150",
    "BENCH_REGISTER_N": "2000",
    "BENCH_REGISTER_IMPORT_N": "300",
    "BENCH_PREP_UNITS": "1",
    "BENCH_EMBEDDED_SECONDS": "3",
    "BENCH_EMBEDDED_IMPORT_N": "1500",
    "BENCH_COMMS_RECIPIENTS": "500",
    "BENCH_COMMS_PERSONS": "3000",
    "BENCH_COMMAND_ORGS": "600",
    "BENCH_COMMAND_CHANGES": "3",
    "BENCH_COMMAND_REQUESTS": "500",
}


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def git_commit() -> str:
    proc = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=BENCH_DIR, check=False)
    return proc.stdout.strip()


def child(name: str, out: str) -> int:
    """In a fresh process (each module sets Django up for its own database): run one module, write its figures."""
    try:
        module = importlib.import_module(f"benchmarks.{name}")
        figures = module.run()
        if not isinstance(figures, dict) or not figures:
            figures = {"error": f"run() returned {type(figures).__name__}", "failed_checks": ["run"]}
    except Exception:
        figures = {"error": traceback.format_exc()[-3000:], "failed_checks": ["run"]}
    Path(out).write_text(json.dumps(figures, ensure_ascii=False, default=str), encoding="utf-8")
    return 0


def run_module(name: str) -> dict[str, Any]:
    """Run one module in its own process; a crash becomes ``{"error": ..., "failed_checks": ["run"]}``."""
    load_start = load_average()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "figures.json"
        proc = subprocess.run(
            [sys.executable, "-m", "benchmarks.run", "--child", name, str(out)],
            cwd=BENCH_DIR.parent,
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode == 0 and out.exists():
            figures = json.loads(out.read_text(encoding="utf-8"))
        else:
            figures = {"error": f"exit {proc.returncode}: {proc.stderr[-3000:]}", "failed_checks": ["run"]}
    figures["_wall_s"] = round(time.perf_counter() - started, 2)
    figures.setdefault("cpu_count", os.cpu_count())
    figures["load_average_start"] = figures.get("load_average_start", load_start)
    figures["load_average_end"] = load_average()
    figures["git"] = git_commit()
    return figures


def failures(figures: dict[str, Any], *, smoke: bool) -> list[str]:
    failed = list(figures.get("failed_checks") or [])
    if "error" in figures and "run" not in failed:
        failed.append("run")
    if not smoke:
        failed += list(figures.get("failed_targets") or [])
    return failed


def main(argv: list[str]) -> int:
    args = argv[1:]
    if args[:1] == ["--child"]:
        return child(args[1], args[2])
    smoke = "--smoke" in args
    wanted = [a for a in args if not a.startswith("--")] or MODULES
    unknown = [w for w in wanted if w not in MODULES]
    if unknown:
        print(f"unknown benchmark module(s): {', '.join(unknown)} (known: {', '.join(MODULES)})")
        return 2
    if smoke:
        os.environ.update(SMOKE_ENV)
    out_dir = RESULTS / "smoke" if smoke else RESULTS
    out_dir.mkdir(parents=True, exist_ok=True)
    failed_modules: dict[str, list[str]] = {}
    for name in wanted:
        figures = run_module(name)
        figures["smoke"] = smoke
        (out_dir / f"{name}.json").write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"[{name}] " + json.dumps(figures, ensure_ascii=False))
        failed = failures(figures, smoke=smoke)
        if failed:
            failed_modules[name] = failed
    if failed_modules:
        for name, failed in failed_modules.items():
            print(f"FAIL [{name}]: {', '.join(failed)}")
        return 1
    print("all benchmarks ran" + (" (smoke: timing targets not enforced)" if smoke else " and met their targets"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

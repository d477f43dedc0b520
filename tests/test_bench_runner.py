"""`make bench` / `make bench-smoke` fail loudly: a crashing module or a missed target gives a non-zero exit."""

from __future__ import annotations

from benchmarks import run


def test_a_module_that_crashes_is_a_failure_in_full_and_smoke_runs() -> None:
    figures = run.run_module("no_such_benchmark")  # the child process fails to import it
    assert "error" in figures and "No module named" in figures["error"]
    assert run.failures(figures, smoke=True) == ["run"] and run.failures(figures, smoke=False) == ["run"]


def test_missed_targets_fail_a_full_run_and_correctness_checks_fail_a_smoke_run() -> None:
    figures = {"failed_targets": ["ingest_ratio"], "failed_checks": []}
    assert run.failures(figures, smoke=False) == ["ingest_ratio"]
    assert run.failures(figures, smoke=True) == []
    assert run.failures({"failed_targets": [], "failed_checks": ["ingest_lost"]}, smoke=True) == ["ingest_lost"]


def test_main_exits_non_zero_when_a_module_fails(monkeypatch: object, tmp_path: object) -> None:
    calls: list[str] = []

    def fake(name: str) -> dict[str, object]:
        calls.append(name)
        return {"error": "boom", "failed_checks": ["run"]} if name == "register" else {"failed_targets": []}

    monkeypatch.setattr(run, "run_module", fake)  # type: ignore[attr-defined]
    monkeypatch.setattr(run, "RESULTS", tmp_path)  # type: ignore[attr-defined]
    assert run.main(["run", "reporting", "register"]) == 1
    assert calls == ["reporting", "register"]  # a crash does not stop the other modules
    assert run.main(["run", "reporting"]) == 0
    assert run.main(["run", "nonsense"]) == 2

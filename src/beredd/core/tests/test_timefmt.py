"""Times shown to people are in Europe/Stockholm: the helper, and a scan that no code formats stored UTC."""

import datetime as dt
import re
from pathlib import Path

from beredd.core import timefmt

SRC = Path(__file__).resolve().parents[2]
# An f-string format spec with a strftime code, e.g. f"{self.at:%Y-%m-%d}", or a bare .strftime( call.
FSTRING_TIME = re.compile(r"\{[^{}'\"\n]*:%[A-Za-z][^{}\n]*\}")
STRFTIME = re.compile(r"\.strftime\(")
# Files allowed to format with strftime directly, and why.
ALLOWED = {
    "core/timefmt.py": "the helper itself converts to local time first",
    "register/testdata.py": "formats a birth date (a date, no time zone) into a test personnummer",
    "site/exports.py": "the national export's hot loop converts with astimezone(zone), the site zone looked up once "
    "per export (its output is compared with core.spreadsheet's in reporting/tests/test_export_jobs.py)",
}


def test_aware_times_are_shown_in_stockholm_time() -> None:
    summer = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
    winter = dt.datetime(2026, 1, 1, 23, 30, tzinfo=dt.UTC)
    assert timefmt.local(summer) == "2026-06-01 14:00"
    assert timefmt.local(winter, "%Y-%m-%d") == "2026-01-02"
    assert timefmt.local(dt.date(2026, 1, 1), "%Y-%m-%d") == "2026-01-01"
    assert timefmt.local(None) == ""


def test_no_code_formats_a_time_without_converting_it_to_local_time() -> None:
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if "/tests/" in f"/{rel}" or "/migrations/" in rel or rel in ALLOWED:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if FSTRING_TIME.search(line) or (STRFTIME.search(line) and "localtime(" not in line):
                offenders.append(f"{rel}:{number}: {line.strip()}")
    assert offenders == [], "format times with core.timefmt.local:\n" + "\n".join(offenders)

"""Fictitious personnummer with a correct check digit, for the demo, tests and benchmarks.

Serial numbers 980–999 are used so that generated numbers are unlikely to collide with common real ones; they
are still not guaranteed unassigned. Skatteverket publishes official test numbers ("testpersonnummer", open
data) that should replace these wherever data leaves a developer machine.
"""

from __future__ import annotations

import datetime as dt
import random


def luhn_digit(nine: str) -> str:
    total = 0
    for i, ch in enumerate(nine):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return str((10 - total % 10) % 10)


def make_pnr(born: dt.date, serial: int, *, coordination: bool = False) -> str:
    """12 digits YYYYMMDDNNNC; ``serial`` is the three-digit birth number (NNN)."""
    day = born.day + (60 if coordination else 0)
    nine = f"{born:%y%m}{day:02d}{serial:03d}"
    return f"{born:%Y%m}{day:02d}{serial:03d}{luhn_digit(nine)}"


def random_pnr(rng: random.Random, first_year: int = 1930, last_year: int = 1955) -> str:
    start = dt.date(first_year, 1, 1).toordinal()
    end = dt.date(last_year, 12, 31).toordinal()
    return make_pnr(dt.date.fromordinal(rng.randint(start, end)), rng.randint(980, 999))

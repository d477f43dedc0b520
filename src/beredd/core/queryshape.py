"""An ORM query compiled once per process and run again with other values: for the few reads a dashboard poll
repeats many times a second with the same shape (a roll-up's GROUP BY queries).

Building a queryset and compiling it (filters, annotations, GROUP BY) costs several times the database's own work
for a kommun's roll-up. ``QueryShape`` builds the query once with *sentinel* values, compiles it with Django's
own compiler, and records where each sentinel went among the SQL's parameters: as itself, or as a ``startswith``
pattern (``LIKE 'value%'``, escaped as the ORM escapes it). A later run copies the compiler, puts the new values
at those places and lets the compiler execute and convert the rows, so the rows are exactly what the ORM gives
(the same SQL, the same converters), and query logging and ``CaptureQueriesContext`` see the query.

A sentinel that reaches the SQL in any other form (inlined, or inside another pattern) is refused when the shape
is first compiled, never silently run with the sentinel. Only equality and ``startswith`` filters are supported;
a boolean or ``None`` cannot be told from constants, so such a value is part of the shape (one per value).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from django.db import connections
from django.db.models import QuerySet

# Sentinels no real value equals: negative ids, and a path that no organisation has.
SENTINEL_INT = -7_301_234_567
SENTINEL_PATH = "/\x01queryshape\x01/"

Getter = Callable[[dict[str, Any]], Any]


class UnsupportedShapeError(ValueError):
    """The query places a sentinel where a run could not put the value in its stead."""


class QueryShape:
    """``QueryShape(lambda instance_id, path: Answer.objects.filter(...).values_list(...), instance_id=int,
    path=str)`` then ``shape.rows(instance_id=4, path="/1/2/")``: the rows of the values_list query."""

    def __init__(self, build: Callable[..., QuerySet[Any]], **kinds: type) -> None:
        self.build = build
        self.sentinels: dict[str, Any] = {}
        for name, kind in kinds.items():
            if kind is int:
                self.sentinels[name] = SENTINEL_INT - len(self.sentinels)
            elif kind is str:
                self.sentinels[name] = f"{SENTINEL_PATH}{len(self.sentinels)}/"
            else:
                raise UnsupportedShapeError(
                    f"{name}: only int and str values can be placed ({kind.__name__} is part of the shape)"
                )
        self._compiled: dict[str, tuple[Any, str, list[Getter]]] = {}

    def _compile(self, using: str) -> tuple[Any, str, list[Getter]]:
        connection = connections[using]
        compiler = self.build(**self.sentinels).query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        getters: list[Getter] = []
        placed: set[str] = set()
        for param in params:
            getters.append(self._getter(connection, param, placed))
        missing = set(self.sentinels) - placed
        if missing or any(str(s) in sql for s in self.sentinels.values()):
            raise UnsupportedShapeError(f"values not placed as parameters: {sorted(missing) or 'inlined in the SQL'}")
        return compiler, sql, getters

    def _getter(self, connection: Any, param: Any, placed: set[str]) -> Getter:
        for name, sentinel in self.sentinels.items():
            if type(param) is type(sentinel) and param == sentinel:
                placed.add(name)
                return _value(name)
            if isinstance(sentinel, str) and isinstance(param, str) and sentinel in param:
                if param != f"{connection.ops.prep_for_like_query(sentinel)}%":
                    raise UnsupportedShapeError(f"{name} is used in a pattern other than startswith")
                placed.add(name)
                return _prefix(name, connection)
        return _constant(param)

    def rows(self, using: str = "default", **values: Any) -> list[tuple[Any, ...]]:
        if set(values) != set(self.sentinels):
            raise TypeError(f"expected the values {sorted(self.sentinels)}, got {sorted(values)}")
        for name, value in values.items():
            if type(value) is not type(self.sentinels[name]):
                raise TypeError(f"{name} must be {type(self.sentinels[name]).__name__}")
        if using not in self._compiled:
            self._compiled[using] = self._compile(using)
        compiler, sql, getters = self._compiled[using]
        run = copy.copy(compiler)
        run.connection = connections[using]  # this thread's connection (connections are per thread)
        params = tuple(get(values) for get in getters)
        run.as_sql = lambda *_args, **_kwargs: (sql, params)
        return list(run.results_iter(tuple_expected=True))


def _value(name: str) -> Getter:
    return lambda values: values[name]


def _prefix(name: str, connection: Any) -> Getter:
    """The ``startswith`` pattern of the value, escaped as the ORM escapes it (``%`` and ``_`` match themselves)."""
    return lambda values: f"{connection.ops.prep_for_like_query(values[name])}%"


def _constant(param: Any) -> Getter:
    return lambda _values: param

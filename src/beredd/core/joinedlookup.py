"""A ``select_related`` lookup of one row whose SQL is built once per process instead of on every call.

The API's submit reads one submission with five related rows (its instance and round, template version and
template, and organisation) on every request. Through the ORM, compiling that query (about 150 columns) and
populating the related objects costs about as much as the database's own work. ``JoinedLookup`` lists the same
columns from the models' ``_meta``, joins along the same relations, and builds the objects with ``Model.from_db``
after the database's converters (so values are exactly what the ORM would give: JSON decoded, SQLite datetimes
parsed). The relations are cached on the objects as ``select_related`` would cache them.

It goes through Django's cursor, so query logging, ``CaptureQueriesContext`` and the database error handling
see it like any other query.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar

from django.db import connections, models

from beredd.core import prepared

M = TypeVar("M", bound=models.Model)

Converter = Callable[[Any, Any, Any], Any]
# Per model of the join: its loaded fields' attribute names, and per column that has converters its position,
# expression and the converters the ORM would apply to it.
Columns = list[tuple[list[str], list[tuple[int, Any, list[Converter]]]]]


class JoinedLookup(Generic[M]):
    """``JoinedLookup(Submission, related=("instance", "instance__round"), where=("instance_id", "organisation_id"))``
    then ``lookup.get((instance_id, org_id), for_update=True)``: the first matching row or None.

    ``defer`` maps a relation path ("" for the root) to fields left out of the query, as ``QuerySet.defer``:
    the object loads one when it is first read (one query), so list only what the callers never read."""

    def __init__(
        self,
        model: type[M],
        *,
        related: Sequence[str],
        where: Sequence[str],
        defer: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self.model = model
        self.where = tuple(where)
        self.defer = {path: frozenset(names) for path, names in (defer or {}).items()}
        # (path, model, alias, parent path, relation field); the root first.
        self._tables: list[tuple[str, type[models.Model], str, str, models.ForeignKey[Any, Any] | None]] = [
            ("", model, "t0", "", None)
        ]
        for path in related:
            parent_path, _sep, name = path.rpartition("__")
            parent = next(t for t in self._tables if t[0] == parent_path)
            field = parent[1]._meta.get_field(name)
            # Inner joins only: a nullable relation would need its missing row told apart from an empty one.
            assert isinstance(field, models.ForeignKey) and not field.null, f"{path} is not a required foreign key"
            self._tables.append((path, field.related_model, f"t{len(self._tables)}", parent_path, field))
        for path, names in self.defer.items():
            table = next(t for t in self._tables if t[0] == path)
            meta = table[1]._meta
            known = {f.name for f in meta.concrete_fields}
            assert names <= known and meta.pk.name not in names, f"cannot defer {sorted(names - known)} of {path!r}"
        self._sql: dict[str, tuple[str, str]] = {}  # per database alias: (SQL, SQL FOR UPDATE)
        self._columns: dict[str, Columns] = {}

    def get(self, values: Sequence[Any], *, for_update: bool = False, using: str = "default") -> M | None:
        connection = connections[using]
        if using not in self._sql:
            self._prepare(using)
        plain, locking = self._sql[using]
        with prepared.cursor(connection) as cursor:
            cursor.execute(locking if for_update else plain, list(values))
            row = cursor.fetchone()
        if row is None:
            return None
        objects: dict[str, models.Model] = {}
        start = 0
        for (path, model, _alias, parent, field), (attnames, columns) in zip(self._tables, self._columns[using], strict=True):
            values = list(row[start : start + len(attnames)])
            for i, col, converters in columns:  # only the columns that have converters (JSON, SQLite dates, ...)
                value = values[i]
                for convert in converters:
                    value = convert(value, col, connection)
                values[i] = value
            start += len(attnames)
            obj = model.from_db(using, attnames, values)
            objects[path] = obj
            if field is not None:
                field.set_cached_value(objects[parent], obj)
        return objects[""]  # type: ignore[return-value]  # the root row is an instance of ``self.model``

    def _prepare(self, using: str) -> None:
        connection = connections[using]

        def qn(name: str | None) -> str:
            assert name is not None, "a concrete field has a column"
            return str(connection.ops.quote_name(name))

        columns: list[str] = []
        expressions: Columns = []
        for path, model, alias, _parent, _field in self._tables:
            per_model: list[tuple[int, Any, list[Converter]]] = []
            deferred = self.defer.get(path, frozenset())
            loaded = [f for f in model._meta.concrete_fields if f.name not in deferred]
            expressions.append(([f.attname for f in loaded], per_model))
            for i, f in enumerate(loaded):
                columns.append(f"{alias}.{qn(f.column)}")
                col = f.get_col(alias)
                converters = [*connection.ops.get_db_converters(col), *f.get_db_converters(connection)]
                if converters:
                    per_model.append((i, col, converters))
        joins = []
        aliases = {path: alias for path, _model, alias, _parent, _field in self._tables}
        for _path, model, alias, parent, field in self._tables[1:]:
            assert field is not None
            target = model._meta.pk
            assert target is not None
            joins.append(
                f"INNER JOIN {qn(model._meta.db_table)} {alias} ON {aliases[parent]}.{qn(field.column)} = {alias}.{qn(target.column)}"
            )
        where = " AND ".join(f"t0.{qn(getattr(self.model._meta.get_field(name), 'column', None))} = %s" for name in self.where)
        sql = f"SELECT {', '.join(columns)} FROM {qn(self.model._meta.db_table)} t0 {' '.join(joins)} WHERE {where} LIMIT 1"  # noqa: S608 - names from the models' _meta
        locking = sql
        if connection.features.has_select_for_update:
            locking += " FOR UPDATE OF t0" if connection.features.has_select_for_update_of else " FOR UPDATE"
        self._columns[using] = expressions
        self._sql[using] = (sql, locking)

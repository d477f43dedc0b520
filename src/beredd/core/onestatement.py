"""Several ORM writes sent to PostgreSQL as one statement (data-modifying CTEs): one round trip instead of one each.

A hot write path (the API's submit) makes four writes that depend on nothing read back in between: the new
version, the submission's new state, its answer rows and the audit event. Sent one by one they cost four round
trips, four parses and plans and four times the ORM's statement set-up; sent as one statement
(``WITH w0 AS (INSERT ... RETURNING id), w1 AS (UPDATE ...), ... SELECT ...``) they cost one.

The SQL of each part is still the ORM's (``InsertQuery`` / ``UpdateQuery`` compilers, so field preparation,
``auto_now`` values and JSON encoding are Django's), and the ``pre_save`` signal is sent as ``Model.save`` would
(``core.textlimits`` refuses over-long text here too). Only PostgreSQL runs data-modifying CTEs; elsewhere
(SQLite) ``execute`` runs the parts one after another in the same order, so both databases store the same rows.

Every part of one statement sees the same snapshot: a part must not depend on another part's effect except
through ``RETURNING``, and no row may be changed twice (PostgreSQL's rules for data-modifying CTEs). On PostgreSQL a model's own ``save()`` is not
called and ``post_save`` is not sent: use it only for models whose ``save()`` adds nothing to an insert or an
update (the submission, its versions and audit events: their overrides only refuse changing a stored row), and
that nothing listens to after saving (``core/tests/test_onestatement.py`` keeps both so).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, cast

import orjson
from django.db import DataError, connections, models
from django.db.models import sql
from django.db.models.signals import pre_save
from psycopg.types.json import Jsonb

from beredd.core import prepared


def _orjson_dumps(value: Any) -> bytes:
    # Keys as the standard library writes them (an int key becomes a string); NaN cannot occur (validated).
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)


class StaleRowError(Exception):
    """A guarded update (``update(..., expect=...)``) found its row changed: the statement wrote nothing."""


# The last column of the statement divides by the number of rows each guarded update changed: a guard that
# matched nothing raises division_by_zero, and PostgreSQL then undoes every part of the statement.
_GUARD_FAILED = "22012"


class OneStatement:
    """Collect inserts, updates and raw statements; ``execute()`` sends them together and fills in the new keys."""

    def __init__(self, using: str = "default") -> None:
        self.using = using
        self.connection = connections[using]
        # (kind, object or SQL, update fields or parameters)
        self._parts: list[tuple[str, Any, Any]] = []

    def insert(self, obj: models.Model) -> models.Model:
        """Insert ``obj`` (a new instance with an auto primary key) as ``obj.save()`` would; ``execute()`` sets
        its ``pk``."""
        assert obj._state.adding and obj._meta.auto_field is not None and obj.pk is None, "insert() takes a new object"
        self._parts.append(("insert", obj, None))
        return obj

    def update(self, obj: models.Model, update_fields: Sequence[str], *, expect: dict[str, Any] | None = None) -> models.Model:
        """Update ``update_fields`` of the stored ``obj`` by primary key as ``obj.save(update_fields=...)`` would
        (``auto_now`` fields refreshed).

        With ``expect`` (column values as read, e.g. a version counter) the update is guarded: when the stored row
        no longer has them, ``execute()`` writes nothing at all and raises StaleRowError. That makes a
        read-then-write without a row lock safe: two writers that read the same row cannot both write."""
        assert obj.pk is not None, "update() takes a stored object"
        assert not any(kind == "update" and type(o) is type(obj) and o.pk == obj.pk for kind, o, _f in self._parts), (
            "one statement cannot change a row twice (PostgreSQL would keep only one of the changes)"
        )
        self._parts.append(("update", obj, (tuple(update_fields), tuple(sorted((expect or {}).items())))))
        return obj

    def raw(self, statement: str, params: Sequence[Any]) -> None:
        """A statement of the caller's own: one INSERT, UPDATE or DELETE without ``RETURNING``."""
        self._parts.append(("raw", statement, params))

    def execute(self) -> None:
        """Send every part: one statement on PostgreSQL, the ORM's saves one after another elsewhere.

        Call inside a transaction; on PostgreSQL a statement whose updates are all guarded (``expect``) may also
        run on its own in autocommit (one statement is atomic). Raises StaleRowError when a guard did not hold."""
        parts, self._parts = self._parts, []
        if self.connection.vendor != "postgresql":
            for kind, target, extra in parts:
                if kind == "insert":
                    target.save(force_insert=True, using=self.using)
                elif kind == "update":
                    fields, expect = extra
                    if expect and not type(target)._base_manager.filter(pk=target.pk, **dict(expect)).exists():
                        raise StaleRowError()  # the caller's transaction holds the row (elsewhere than PostgreSQL)
                    target.save(update_fields=fields, using=self.using)
                else:
                    with self.connection.cursor() as cursor:
                        cursor.execute(target, extra)
            return
        compiled = [self._compile(kind, target, extra) for kind, target, extra in parts]
        if not compiled:
            return
        ctes = ", ".join(f"w{i} AS ({statement})" for i, (statement, _params) in enumerate(compiled))
        inserted = [i for i, (kind, _target, _extra) in enumerate(parts) if kind == "insert"]
        guarded = [i for i, (kind, _target, extra) in enumerate(parts) if kind == "update" and extra[1]]
        # The guards come first: PostgreSQL runs a CTE as the main query first reads it, so a guarded update takes
        # its row lock (waiting for a concurrent writer of the row, then re-reading it) before any insert of the
        # statement touches a unique index. That is the locked path's order (row lock, then version), so the two
        # never deadlock; and a guard that fails stops the statement before the inserts run.
        columns = [f"1 / (SELECT count(*) FROM w{i})" for i in guarded]  # noqa: S608 - CTE names only
        columns += [f"(SELECT * FROM w{i})" for i in inserted]  # noqa: S608 - CTE names only
        select = ", ".join(columns) or "1"
        params = [p for _statement, part_params in compiled for p in part_params]
        try:
            with prepared.cursor(self.connection) as cursor:
                cursor.execute(f"WITH {ctes} SELECT {select}", params)  # noqa: S608 - every part is compiled SQL with placeholders
                row = cursor.fetchone()
        except DataError as exc:
            if guarded and getattr(exc.__cause__, "sqlstate", None) == _GUARD_FAILED:
                raise StaleRowError() from exc
            raise
        assert row is not None
        for i, pk in zip(inserted, row[len(guarded) : len(guarded) + len(inserted)], strict=True):
            obj = parts[i][1]
            obj.pk = pk
            obj._state.adding = False
            obj._state.db = self.using

    def _prep(self, field: models.Field[Any, Any], value: Any) -> Any:
        """``field.get_db_prep_save(value)`` on PostgreSQL, skipped where it returns ``value`` itself.

        A plain JSON value (no custom encoder) is encoded with orjson, as the same JSON (to PostgreSQL's jsonb
        parser) at a tenth of the standard library's cost: a submit writes its answers twice (version and
        submission) and the audit event's changes. For the built-in field types of ``_PASS_TYPES`` a value of
        the listed Python type is what the field's preparation would return unchanged (a string for text, an int
        for a key, an aware datetime): the statement takes it as it is, most of a submit's 29 values without
        Django's per-value preparation. An IPv4 address is sent as text (PostgreSQL reads it as ``inet``, and
        refuses a malformed one) rather than as Python's ``ipaddress`` object the driver formats back to text."""
        kind = type(field)
        if kind is models.ForeignKey:
            kind = type(cast("models.ForeignKey[Any, Any]", field).target_field)  # the key's own field prepares a key value
        passes = _PASS_TYPES.get(kind)
        if passes is not None:
            if (type(value) in passes and (kind is not models.DateTimeField or value.tzinfo is not None)) or (
                value is None and field.null
            ):
                return value
        elif kind is models.GenericIPAddressField and type(value) is str and ":" not in value:
            return value or None  # as the field: an empty address is NULL; IPv6 goes the field's way (normalised)
        elif kind is models.JSONField and cast(models.JSONField, field).encoder is None and isinstance(value, dict | list):
            return Jsonb(value, dumps=_orjson_dumps)
        return field.get_db_prep_save(value, connection=self.connection)

    def _compile(self, kind: str, target: Any, extra: Any) -> tuple[str, Sequence[Any]]:
        if kind == "raw":
            return target, extra
        model = type(target)
        meta = model._meta
        expect: tuple[tuple[str, Any], ...] = ()
        if kind == "update":
            extra, expect = extra
        update_fields = frozenset(extra) if kind == "update" else None
        pre_save.send(sender=model, instance=target, raw=False, using=self.using, update_fields=update_fields)
        target._prepare_related_fields_for_save(operation_name="save")
        if kind == "insert":
            fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field and not f.generated]
            values = [f.pre_save(target, True) for f in fields]
        else:
            names = set(extra)
            fields = [f for f in meta.local_concrete_fields if f.name in names or f.attname in names]
            assert len(fields) == len(names), f"unknown fields in {sorted(names)}"
            values = [f.pre_save(target, False) for f in fields]
        # The SQL of a model's insert (or of an update of the same fields) is the same every time: the ORM compiles
        # it once per process and database, and later calls only prepare the values as its compiler would
        # (``get_db_prep_save``). A value that is an expression, or a field with its own placeholder, is compiled
        # every time.
        key = (self.using, model, kind, tuple(f.attname for f in fields), tuple(name for name, _v in expect))
        plain = not any(hasattr(v, "resolve_expression") for v in values) and not any(
            hasattr(f, "get_placeholder") for f in fields
        )
        if plain and key in _SQL:
            params = [self._prep(f, v) for f, v in zip(fields, values, strict=True)]
            return _SQL[key], params + [target.pk, *(v for _name, v in expect)] if kind == "update" else params
        if kind == "insert":
            insert = sql.InsertQuery(model)
            insert.insert_values(fields, [target])
            compiler = insert.get_compiler(using=self.using)
            compiler.returning_fields = [meta.pk]
            [(statement, compiled)] = compiler.as_sql()
        else:
            update = sql.UpdateQuery(model)
            update.add_update_fields(list(zip(fields, [None] * len(fields), values, strict=True)))
            update.add_q(models.Q(pk=target.pk))
            for name, value in expect:  # in this order after the key, as the cached SQL's parameters are
                update.add_q(models.Q(**{name: value}))
            statement, compiled = update.get_compiler(using=self.using).as_sql()
            if expect:
                statement += f" RETURNING {self.connection.ops.quote_name(meta.pk.column)}"
        if plain and len(compiled) == len(fields) + (kind == "update") * (1 + len(expect)):
            _SQL[key] = statement
        return statement, compiled


# Built-in field types whose ``get_db_prep_save`` on PostgreSQL returns a value of these exact Python types as
# it is (``to_python`` and the backend's adaptation keep it); ``bool`` is not an ``int`` here (exact types).
# ``core/tests/test_onestatement.py`` compares each with the field's own preparation.
_PASS_TYPES: dict[type[models.Field[Any, Any]], tuple[type, ...]] = {
    models.CharField: (str,),
    models.TextField: (str,),
    models.EmailField: (str,),
    models.SlugField: (str,),
    models.AutoField: (int,),  # keys: the other integer fields type their value (int2/int4/int8) for the server
    models.BigAutoField: (int,),
    models.BooleanField: (bool,),
    models.DateTimeField: (dt.datetime,),  # aware only (a naive one goes the field's way: its warning)
}

# (database alias, model, "insert" | "update", field names, guard column names) -> the ORM's SQL for it.
_SQL: dict[tuple[str, type[models.Model], str, tuple[str, ...], tuple[str, ...]], str] = {}

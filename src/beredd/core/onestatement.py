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

from collections.abc import Sequence
from typing import Any

from django.db import connections, models
from django.db.models import sql
from django.db.models.signals import pre_save

from beredd.core import prepared


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

    def update(self, obj: models.Model, update_fields: Sequence[str]) -> models.Model:
        """Update ``update_fields`` of the stored ``obj`` by primary key as ``obj.save(update_fields=...)`` would
        (``auto_now`` fields refreshed)."""
        assert obj.pk is not None, "update() takes a stored object"
        assert not any(kind == "update" and type(o) is type(obj) and o.pk == obj.pk for kind, o, _f in self._parts), (
            "one statement cannot change a row twice (PostgreSQL would keep only one of the changes)"
        )
        self._parts.append(("update", obj, tuple(update_fields)))
        return obj

    def raw(self, statement: str, params: Sequence[Any]) -> None:
        """A statement of the caller's own: one INSERT, UPDATE or DELETE without ``RETURNING``."""
        self._parts.append(("raw", statement, params))

    def execute(self) -> None:
        """Send every part: one statement on PostgreSQL, the ORM's saves one after another elsewhere. Call inside
        a transaction."""
        parts, self._parts = self._parts, []
        if self.connection.vendor != "postgresql":
            for kind, target, extra in parts:
                if kind == "insert":
                    target.save(force_insert=True, using=self.using)
                elif kind == "update":
                    target.save(update_fields=extra, using=self.using)
                else:
                    with self.connection.cursor() as cursor:
                        cursor.execute(target, extra)
            return
        compiled = [self._compile(kind, target, extra) for kind, target, extra in parts]
        if not compiled:
            return
        ctes = ", ".join(f"w{i} AS ({statement})" for i, (statement, _params) in enumerate(compiled))
        inserted = [i for i, (kind, _target, _extra) in enumerate(parts) if kind == "insert"]
        select = ", ".join(f"(SELECT * FROM w{i})" for i in inserted) or "1"  # noqa: S608 - CTE names only
        params = [p for _statement, part_params in compiled for p in part_params]
        with prepared.cursor(self.connection) as cursor:
            cursor.execute(f"WITH {ctes} SELECT {select}", params)  # noqa: S608 - every part is compiled SQL with placeholders
            row = cursor.fetchone()
        assert row is not None
        for i, pk in zip(inserted, row if inserted else (), strict=True):
            obj = parts[i][1]
            obj.pk = pk
            obj._state.adding = False
            obj._state.db = self.using

    def _compile(self, kind: str, target: Any, extra: Any) -> tuple[str, Sequence[Any]]:
        if kind == "raw":
            return target, extra
        model = type(target)
        meta = model._meta
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
        key = (self.using, model, kind, tuple(f.attname for f in fields))
        plain = not any(hasattr(v, "resolve_expression") for v in values) and not any(
            hasattr(f, "get_placeholder") for f in fields
        )
        if plain and key in _SQL:
            params = [f.get_db_prep_save(v, connection=self.connection) for f, v in zip(fields, values, strict=True)]
            return _SQL[key], params + [target.pk] if kind == "update" else params
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
            statement, compiled = update.get_compiler(using=self.using).as_sql()
        if plain and len(compiled) == len(fields) + (kind == "update"):
            _SQL[key] = statement
        return statement, compiled


# (database alias, model, "insert" | "update", field names) -> the ORM's SQL for it.
_SQL: dict[tuple[str, type[models.Model], str, tuple[str, ...]], str] = {}

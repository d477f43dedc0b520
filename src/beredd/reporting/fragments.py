"""Roll-up fragments (the completeness panel with its per-child table) cached in the shared cache.

Dashboards poll the completeness panel of a round instance every few seconds; computing it runs the roll-up's
GROUP BY queries and renders the table. The rendered fragment is cached per round instance, organisation,
grouping level and language, stored with the *generations* it was computed under:

* one generation per (round instance, organisation), bumped for the recipient's organisation and every
  ancestor of it (read off the materialised path, no query) on every submit, return, approval and delegation:
  O(depth) cache writes, whatever the size of the tree;
* one generation per round, bumped when the round is closed, reopened or cancelled.

A bump writes a fresh random token (not an increment, so two concurrent bumps can never land on the same value)
and runs in ``transaction.on_commit``: after the write is visible, before the writer's response leaves. A reader
reads the generations (with the entry, in one round trip) first and computes after, so an entry filled from data
older than a bump carries generations that are no longer current; the writer's next read (and everyone's) misses
and recomputes.

Replica reads (``beredd.core.replica``) may lag the primary, so a missing fragment is always computed on the
primary (``replica.primary_reads``), also in a request that otherwise reads from the replica: every entry holds
all writes committed under its generations and serves every reader, also a coordinator pinned to the primary after
her own change, until the next bump. (Entries that an earlier version filled from the replica carry that source
and are never shown to a primary reader.)

The cache is Django's default cache: Redis (``REDIS_URL``) for several app nodes, the database cache table on
one machine, local memory in development (one process). If the cache fails, the fragment is computed uncached
and the failure logged; entries live at most ``TTL`` seconds, which bounds what a cache that missed bumps while
it was unreachable can show, and what a renamed organisation shows.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction

from beredd.core import replica

log = logging.getLogger(__name__)

TTL = 120  # seconds a fragment may live (dashboards poll every 10 to 30 s)
GEN_TTL = 24 * 3600  # generations outlive every fragment stored under them
PRIMARY, REPLICA = "p", "r"


def _round_key(round_id: int) -> str:
    return f"rollup:gen:r{round_id}"


def _org_key(instance_id: int, org_id: int) -> str:
    return f"rollup:gen:i{instance_id}:o{org_id}"


def _own_key(instance_id: int, org_id: int) -> str:
    return f"rollup:gen:i{instance_id}:own{org_id}"


def _token() -> int:
    # An integer: Redis (django-redis) stores it as it is, so a bump can write it without the cache's pickling.
    return secrets.randbits(62)


# Every submit bumps O(depth) generations: in Redis one script call sets them all (one command; django-redis's
# set_many pipelines a SET per key with its own encoding, twice the submit's cache CPU).
_BUMP_LUA = "for _, key in ipairs(KEYS) do redis.call('SET', key, ARGV[1], 'EX', ARGV[2]) end return #KEYS"
_bump_script: Any = None  # registered once; each call names the client it runs on


def _redis_writer() -> Any:
    """The raw Redis client behind the default cache (django-redis), or None for another backend."""
    client = getattr(cache, "client", None)
    get_client = getattr(client, "get_client", None)
    return get_client(write=True) if get_client is not None else None


def _bump(keys: list[str]) -> None:
    token = _token()
    try:
        raw = _redis_writer()
        if raw is None:
            cache.set_many(dict.fromkeys(keys, token), timeout=GEN_TTL)
            return
        global _bump_script
        if _bump_script is None:
            _bump_script = raw.register_script(_BUMP_LUA)
        # The cache's own key names (prefix and version), so ``cache.get_many`` reads what the script wrote.
        _bump_script(keys=[cache.make_key(key) for key in keys], args=[token, GEN_TTL], client=raw)
    except Exception:  # a cache outage must not turn a committed write into an error; entries expire after TTL
        log.exception("roll-up fragment invalidation failed for %s", keys[:3])


def _path_ids(org_path: str) -> list[int]:
    return [int(part) for part in org_path.strip("/").split("/") if part]


def invalidate_org(*, instance_id: int, org_path: str) -> None:
    """After the current transaction commits: every cached fragment of ``instance_id`` over the organisation at
    ``org_path`` and over each of its ancestors is stale (O(depth) keys, one cache round trip)."""
    ids = _path_ids(org_path)
    keys = [_org_key(instance_id, org_id) for org_id in ids]
    if 0 < len(ids) <= 3:
        keys.append(_own_key(instance_id, ids[-1]))  # a recipient above kommun level: its own part (``cached_parts``)
    if keys:
        _after_commit(lambda: _bump(keys))


def invalidate_round(*, round_id: int) -> None:
    """After the current transaction commits: every cached fragment of every instance of the round is stale."""
    keys = [_round_key(round_id)]
    _after_commit(lambda: _bump(keys))


def _after_commit(bump: Callable[[], None]) -> None:
    """Run ``bump`` when the transaction commits; until then the callback is marked pending (``_writes_pending``)."""

    def run() -> None:
        run.pending = False  # type: ignore[attr-defined]
        bump()

    run.pending = True  # type: ignore[attr-defined]
    transaction.on_commit(run)


def _writes_pending() -> bool:
    """True inside a transaction that wrote roll-up data and has not committed: the cache cannot know those
    writes, so its readers compute instead (a view that writes and then reads in one transaction sees its own
    change). Django drops a rolled-back transaction's callbacks from ``run_on_commit``."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return False
    return any(getattr(entry[1], "pending", False) for entry in connection.run_on_commit)


def cached(*, instance_id: int, round_id: int, org_id: int, variant: str, build: Callable[[], str]) -> str:
    """The fragment ``build()`` renders for (instance, organisation, ``variant``), from the cache when fresh.

    One round trip reads both generations and the entry (stored with the generations it was computed under); the
    entry is fresh only when those equal the current ones."""
    if _writes_pending():
        return build()
    from_replica = replica.reading_from_replica()
    gen_keys = [_round_key(round_id), _org_key(instance_id, org_id)]
    key = f"rollup:frag:i{instance_id}:o{org_id}:{variant}"
    try:
        found = cache.get_many([*gen_keys, key])
        for gen_key in gen_keys:
            if gen_key not in found:
                # Never bumped, or evicted: start a fresh generation (``add`` keeps a concurrent reader's one).
                cache.add(gen_key, _token(), timeout=GEN_TTL)
                found[gen_key] = cache.get(gen_key) or _token()
        gens = tuple(str(found[k]) for k in gen_keys)
        entry = found.get(key)
    except Exception:
        log.exception("roll-up fragment cache unavailable; computing uncached")
        return build()
    if isinstance(entry, tuple) and len(entry) == 3 and entry[0] == gens and (from_replica or entry[1] == PRIMARY):
        return str(entry[2])
    # A miss is computed on the primary, also in a request that reads from the replica: the entry then holds every
    # write committed under its generations and serves every reader until the next bump. Filled from the replica it
    # could live only as long as the replica may lag (2 s), and the load test's dashboards recomputed every panel
    # every 2 s (most of the app nodes' CPU). The primary computes a panel once per write below it, not per poll.
    with replica.primary_reads():
        html = build()
    try:
        # Stored with the generations read *before* computing: filled from data older than a bump, it is never
        # taken (the generations moved on). A slower reader may overwrite a newer entry with an older one; the
        # next reader then sees old generations and recomputes (a miss, never a stale read).
        cache.set(key, (gens, PRIMARY, html), timeout=TTL)
    except Exception:
        log.exception("roll-up fragment could not be cached")
    return html


def _part_key(instance_id: int, org_id: int) -> str:
    return f"rollup:part:i{instance_id}:o{org_id}"


def cached_parts(
    *,
    instance_id: int,
    round_id: int,
    org_ids: list[int],
    own: set[int],
    compute: Callable[[list[int]], dict[int, Any]],
) -> dict[int, Any]:
    """Per-organisation partial aggregates of ``instance`` that county roll-ups merge, from the
    cache where fresh, else ``compute(stale_ids)`` on the primary: a kommun's over its subtree, and (``own``) an
    organisation's above kommun level over its own submission only.

    The same generations as the fragments: a part is stored with the round's generation and its organisation's
    (for ``own``, the one its own submission bumps) read before computing, so a submit, return, approval or close
    below that organisation (or of the round) makes it stale. One round trip reads every generation and part;
    one writes the recomputed parts."""
    if _writes_pending():
        return compute(list(org_ids))
    round_key = _round_key(round_id)
    gen_keys = {org_id: (_own_key if org_id in own else _org_key)(instance_id, org_id) for org_id in org_ids}
    part_keys = {org_id: _part_key(instance_id, org_id) for org_id in org_ids}
    try:
        found = cache.get_many([round_key, *gen_keys.values(), *part_keys.values()])
        absent = {k: _token() for k in (round_key, *gen_keys.values()) if k not in found}
        if absent:
            # Never bumped, or evicted: start fresh generations, in one round trip and before computing (a bump
            # after this set makes what is computed below stale; one before it is in what is computed). Taking
            # over a concurrent reader's fresh token only makes its entries miss.
            cache.set_many(absent, timeout=GEN_TTL)
            found |= absent
    except Exception:
        log.exception("roll-up part cache unavailable; computing uncached")
        return compute(list(org_ids))
    out: dict[int, Any] = {}
    stale: list[int] = []
    round_gen = str(found.get(round_key) or _token())
    gens: dict[int, tuple[str, str]] = {}
    for org_id in org_ids:
        gens[org_id] = (round_gen, str(found.get(gen_keys[org_id]) or _token()))
        entry = found.get(part_keys[org_id])
        if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == gens[org_id]:
            out[org_id] = entry[1]
        else:
            stale.append(org_id)
    if not stale:
        return out
    with replica.primary_reads():  # as for fragments: a part serves every reader until the next bump
        computed = compute(stale)
    out |= computed
    try:
        cache.set_many({part_keys[org_id]: (gens[org_id], computed[org_id]) for org_id in stale}, timeout=TTL)
    except Exception:
        log.exception("roll-up parts could not be cached")
    return out

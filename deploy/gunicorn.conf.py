"""gunicorn settings for one Beredd app node (used by deploy/systemd/beredd-web@.service and `make loadtest`).

Each node is stateless: sessions, rate limits and roll-up fragments live in Redis (REDIS_URL), data in
PostgreSQL, files in MEDIA_ROOT on shared storage. Sync workers: the request path is short database work,
and each worker keeps one persistent connection (DB_CONN_MAX_AGE), so a node holds `workers` connections.
"""

import multiprocessing
import os

pythonpath = "src"
wsgi_app = "beredd.wsgi:application"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
keepalive = 30  # the proxy keeps connections to the node open
timeout = 30  # a request that runs longer is a bug: exports run as background jobs
graceful_timeout = 20  # on SIGTERM, requests in flight finish before the worker exits
max_requests = 5000  # recycle workers now and then, staggered so they do not restart together
max_requests_jitter = 500
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# The app is imported once, in the master, and the workers fork from it: a worker that `max_requests` recycles,
# or a node restarted under load, serves at once instead of importing Django again (about a second of CPU per
# worker, taken from the requests in flight on the same machine). A new release therefore needs a restart (as
# the README's upgrade steps say), not a HUP.
preload_app = True


def pre_fork(server, worker):  # noqa: ARG001  # gunicorn's hook signature
    """No database connection crosses a fork: one the master opened while loading would be shared by workers."""
    from django.db import connections

    connections.close_all()


def when_ready(server):  # noqa: ARG001  # gunicorn's hook signature
    """Before the first fork: templates compiled, URLs resolved, catalogues loaded (``beredd.core.warmup``)."""
    from beredd.core import warmup

    warmup.warm()

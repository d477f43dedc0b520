"""URLconf for benchmark servers only (``BEREDD_BENCH_ENDPOINTS=1``, refused in production): the app plus /bench/."""

from django.urls import path

from beredd.site import bench
from beredd.urls import handler403, handler404, handler500
from beredd.urls import urlpatterns as app_urlpatterns

urlpatterns = [
    path("bench/floor", bench.floor, name="bench-floor"),
    path("bench/fragment/<int:instance_id>", bench.fragment_uncached, name="bench-fragment"),
    *app_urlpatterns,
]

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]

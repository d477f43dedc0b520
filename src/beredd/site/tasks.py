"""Background jobs of the shell: big exports (``site.exports``)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_export(job_id: int) -> None:
    from beredd.site import exports

    exports.export_run(job_id=job_id)

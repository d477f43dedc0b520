"""Base models and the append-only audit log."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beredd.core import timefmt
from beredd.core.exceptions import NotFoundError

if TYPE_CHECKING:
    from beredd.core.audit import AuditActor


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class ImportBatch(TimeStampedModel):
    """An uploaded table held, after its preview, until the uploader confirms it: the one way every import
    (units, register residents) keeps a preview between the two steps. Abstract: each import subclasses it with
    what it keeps of the upload (``orgs.UnitImportBatch``: the checked rows; ``register.ImportBatch``: the
    encrypted file).

    A batch is committed once, only by the person who uploaded it, for the kommun it was uploaded to, and only
    within ``LIFETIME``; ``take`` finds it under those rules, ``mark_committed`` closes it inside the commit's
    transaction, and ``stale_delete`` removes the batches nobody confirmed in time.
    """

    LIFETIME = timedelta(days=1)

    kommun = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(max_length=200)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.filename

    @classmethod
    def take(cls, *, pk: Any, user: AuditActor, kommun: models.Model) -> Self:
        """The open batch ``pk`` that ``user`` uploaded for ``kommun``. Raises ``NotFoundError`` when it is
        missing, someone else's, for another kommun, already committed or older than ``LIFETIME`` alike."""
        batch = (
            cls._default_manager.filter(
                pk=pk,
                kommun=kommun,
                uploaded_by=user,
                committed_at__isnull=True,
                created_at__gte=timezone.now() - cls.LIFETIME,
            ).first()
            if str(pk).isdigit()
            else None
        )
        if batch is None:
            raise NotFoundError("import", pk)
        return batch

    def mark_committed(self, **cleared: Any) -> None:
        """Inside the commit's transaction: close the batch (setting ``cleared`` fields too, e.g. the content it
        no longer needs). Raises ``NotFoundError`` when a concurrent commit closed it first, so the caller's
        transaction rolls back and a batch is never committed twice."""
        now = timezone.now()
        closed = (
            type(self)
            ._default_manager.filter(pk=self.pk, committed_at__isnull=True)
            .update(committed_at=now, updated_at=now, **cleared)
        )
        if not closed:
            raise NotFoundError("import", self.pk)
        self.committed_at = now
        for name, value in cleared.items():
            setattr(self, name, value)

    @classmethod
    def stale_delete(cls) -> int:
        """Delete the batches never committed within ``LIFETIME``; returns how many."""
        deleted, _by_model = cls._default_manager.filter(
            committed_at__isnull=True, created_at__lt=timezone.now() - cls.LIFETIME
        ).delete()
        return deleted


class AppendOnlyQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("Audit events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("Audit events are append-only")


class AuditEvent(models.Model):
    """Who did what to which object, when, with the changed fields before and after.

    Rows are only ever inserted (``core.audit.record``). The application offers no way to change or delete
    them; on PostgreSQL a trigger refuses UPDATE and DELETE (migration 0002).
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(max_length=254, blank=True)
    organisation = models.ForeignKey("orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # Copy of the organisation's materialised path, so an org admin filters their subtree with one prefix query.
    org_path = models.CharField(max_length=255, blank=True, db_index=True)
    action = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=255, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    via = models.CharField(max_length=16, blank=True, help_text=_("ui, api, system or cli"))

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            # The audit browser filters by subtree path prefix and sorts by time.
            models.Index(fields=["org_path", "-at"], name="core_audit_path_at"),
            models.Index(fields=["target_type", "target_id"], name="core_audit_target"),
        ]

    def __str__(self) -> str:
        return f"{timefmt.local(self.at)} {self.actor_label} {self.action} {self.target_type}:{self.target_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("Audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("Audit events are append-only")

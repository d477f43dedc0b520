"""Users, memberships (a role in an organisation, applying to its subtree), invitations and API tokens."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beredd.core.models import TimeStampedModel


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


def new_access_stamp() -> str:
    return uuid.uuid4().hex


class User(AbstractUser):
    """A person. Logs in with e-mail; what they may do comes from their memberships."""

    username = None  # type: ignore[assignment]  # e-mail is the login name
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    preferred_language = models.CharField(max_length=8, blank=True)
    # A fresh random value whenever what ``accounts.policy`` derives for the user may change: set by database
    # triggers (``accounts.access_stamp``) on every change to their memberships, to an organisation of one of
    # them, or to their second factors. The shared cache of memberships and two-factor state is keyed by it.
    access_stamp = models.CharField(max_length=32, default=new_access_stamp, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()  # type: ignore[assignment,misc]  # our manager creates users by e-mail

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Role(models.TextChoices):
    VIEWER = "viewer", _("Viewer")
    REPORTER = "reporter", _("Reporter")
    COORDINATOR = "coordinator", _("Coordinator")
    ORG_ADMIN = "org_admin", _("Organisation administrator")
    MAS = "mas", _("MAS/MAR (medically responsible)")
    NATIONAL_ADMIN = "national_admin", _("National administrator")


class MembershipQuerySet(models.QuerySet["Membership"]):
    def current(self) -> MembershipQuerySet:
        now = timezone.now()
        return self.filter(
            is_active=True,
            user__is_active=True,
            organisation__is_active=True,
        ).filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now), valid_from__lte=now)


class Membership(TimeStampedModel):
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)
    valid_from = models.DateTimeField(default=timezone.now)
    valid_until = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    granted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__path", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="accounts_membership_unique_role"),
        ]
        indexes = [
            # Policy checks look up a user's memberships on every request.
            models.Index(fields=["user", "is_active"], name="accounts_membership_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.organisation}"

    @property
    def is_current(self) -> bool:
        now = timezone.now()
        return self.is_active and self.valid_from <= now and (self.valid_until is None or self.valid_until > now)


class Invitation(TimeStampedModel):
    email = models.EmailField()
    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=32, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation} ({self.role})"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()


class ApiToken(TimeStampedModel):
    """A personal access token. Only a SHA-256 of the secret is stored; the secret is shown once."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_tokens")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class LoginThrottle(models.Model):
    """Failed password attempts for one login name from one source (see ``accounts.login_throttle``).

    ``source`` is ``ip:<address>``, ``device:<nonce>`` or ``*`` for the account-wide counter. Not a
    security log (the audit log has every failure); rows are deleted on success, unlock or when stale.
    """

    login = models.CharField(max_length=254)
    source = models.CharField(max_length=80)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField()
    blocked_until = models.DateTimeField(null=True, blank=True)
    window_start = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["login", "source"], name="accounts_loginthrottle_unique_source"),
        ]

    def __str__(self) -> str:
        return f"{self.login} {self.source} ({self.failures})"

"""The channels a delivery goes out on, behind one small interface: ``send(deliveries, attachments) -> errors``.

* ``email``: Django's mail backends (``EMAIL_BACKEND``: SMTP in production, files in development, locmem in tests).
* ``sms``: ``COMMS_SMS_BACKEND`` names a class with ``send_text(to, text)``; shipped are ``FileSmsBackend``
  (one file per text under ``var/sms/``, the development default) and ``ConsoleSmsBackend``. **Adapter point for a
  real SMS gateway**: write a class with the same ``send_text`` that posts to the gateway and raises on refusal,
  and name it in ``COMMS_SMS_BACKEND``. Nothing here calls the network.
* ``print``: the delivery is a printable notice (PDF, ``comms.services.documents``) the unit fetches and hands out
  door to door; it counts as sent when rendered, and as reached when the unit confirms.
* ``public`` and ``cap`` are publications, not per-recipient sends (``comms.services.public``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone
from django.utils.module_loading import import_string

from beredd.comms.models import Attachment, Delivery
from beredd.core import timefmt


class ChannelBackend(Protocol):
    def send(self, deliveries: Sequence[Delivery], attachments: Sequence[Attachment]) -> dict[int, str]:
        """Send each delivery; return the reason per delivery id that failed (an empty dict when all went out)."""


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:255]


class EmailChannel:
    def send(self, deliveries: Sequence[Delivery], attachments: Sequence[Attachment]) -> dict[int, str]:
        errors: dict[int, str] = {}
        connection = get_connection()
        with connection:
            for d in deliveries:
                message = EmailMessage(subject=d.subject, body=d.body, to=[d.address], connection=connection)
                for a in attachments:
                    message.attach(a.filename, bytes(a.content), a.content_type)
                try:
                    if not message.send():
                        errors[d.pk] = "The mail server accepted nothing."
                except Exception as exc:  # any backend error is this recipient's failure, recorded and retried
                    errors[d.pk] = _reason(exc)
        return errors


class FileSmsBackend:
    """Development: each text is a file in ``var/sms/`` (like Django's file-based mail backend)."""

    def __init__(self) -> None:
        self.directory = Path(getattr(settings, "COMMS_SMS_FILE_PATH", Path(settings.VAR_DIR) / "sms"))

    def send_text(self, to: str, text: str) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = timefmt.local(timezone.now(), "%Y%m%dT%H%M%S%f")
        (self.directory / f"{stamp}-{to.lstrip('+')}.txt").write_text(f"To: {to}\n\n{text}\n", encoding="utf-8")


class ConsoleSmsBackend:
    def send_text(self, to: str, text: str) -> None:
        print(f"SMS to {to}:\n{text}\n")  # noqa: T201  # the console backend's whole purpose


class SmsChannel:
    def send(self, deliveries: Sequence[Delivery], attachments: Sequence[Attachment]) -> dict[int, str]:
        backend: Any = import_string(getattr(settings, "COMMS_SMS_BACKEND", "beredd.comms.channels.FileSmsBackend"))()
        errors: dict[int, str] = {}
        for d in deliveries:
            try:
                backend.send_text(d.address, f"{d.subject}\n{d.body}"[:1600])
            except Exception as exc:  # a gateway refusal is this recipient's failure
                errors[d.pk] = _reason(exc)
        return errors


class PrintChannel:
    """A printable notice per unit: nothing to transmit; the unit opens the PDF from its page and confirms."""

    def send(self, deliveries: Sequence[Delivery], attachments: Sequence[Attachment]) -> dict[int, str]:
        return {}


class PublicationChannel:
    """The public page and the CAP file: the notice is published when its row commits; the delivery records it."""

    def send(self, deliveries: Sequence[Delivery], attachments: Sequence[Attachment]) -> dict[int, str]:
        return {}


CHANNELS: dict[str, ChannelBackend] = {
    "email": EmailChannel(),
    "sms": SmsChannel(),
    "print": PrintChannel(),
    "public": PublicationChannel(),
    "cap": PublicationChannel(),
}

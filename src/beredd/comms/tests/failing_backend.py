"""A mail backend for tests that refuses addresses at ``bounce.test`` the way an SMTP server refuses a recipient,
and otherwise delivers to Django's locmem outbox (the test backend)."""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from typing import Any

from django.core.mail.backends.locmem import EmailBackend


class RefusingBackend(EmailBackend):
    refuse_domain = "bounce.test"

    def send_messages(self, messages: Sequence[Any]) -> int:
        for m in messages:
            bad = [a for a in m.to if a.endswith("@" + self.refuse_domain)]
            if bad:
                raise smtplib.SMTPRecipientsRefused({a: (550, b"5.1.1 User unknown") for a in bad})
        return super().send_messages(messages)

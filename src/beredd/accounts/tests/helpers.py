"""Shared helpers for the accounts page tests."""

from typing import Any

from django.test import Client


def login(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client

"""Encryption at rest and keyed search hashes for personnummer.

``settings.REGISTER_KEYS`` lists base64 keys, newest first. The newest key encrypts; every key decrypts
(``MultiFernet``), so a rotation (``manage.py rotate_register_key``) runs while the service stays up. The search
hash is an HMAC-SHA256; lookups compute it under every key so records not yet rotated are still found.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _raw_keys() -> tuple[bytes, ...]:
    return _decode(tuple(settings.REGISTER_KEYS))


@lru_cache(maxsize=8)
def _decode(keys: tuple[str, ...]) -> tuple[bytes, ...]:
    # Keyed on the configured strings, so a settings change (rotation, tests) takes effect at once.
    if not keys:
        raise ImproperlyConfigured("REGISTER_KEYS is empty")
    try:
        return tuple(decode_key(k) for k in keys)
    except ValueError:
        raise ImproperlyConfigured("REGISTER_KEYS holds a value that is not base64") from None


MIN_KEY_BYTES = 32
# The public development key (settings.py): never acceptable in production.
DEVELOPMENT_KEYS = frozenset({"ZGV2LW9ubHktcmVnaXN0ZXIta2V5LTAxMjM0NTY3ODk="})


def decode_key(value: str) -> bytes:
    """One configured key: standard or URL-safe base64, padding checked (``ValueError`` otherwise)."""
    text = value.strip().replace("-", "+").replace("_", "/")
    return base64.b64decode(text, validate=True)


def key_problems(keys: list[str]) -> list[str]:
    """Why the configured keys are unfit for production (the system check beredd.E010 reports them)."""
    problems = []
    for n, key in enumerate(keys, start=1):
        if key.strip() in DEVELOPMENT_KEYS:
            problems.append(f"key {n} is the public development key")
            continue
        try:
            raw = decode_key(key)
        except ValueError:
            problems.append(f"key {n} is not base64")
            continue
        if len(raw) < MIN_KEY_BYTES:
            problems.append(f"key {n} is {len(raw)} bytes; at least {MIN_KEY_BYTES} random bytes are needed")
    return problems


def _derive(raw: bytes, purpose: bytes) -> bytes:
    # Separate keys for encryption and hashing, both derived from one configured secret.
    return hmac.new(raw, b"beredd-register-" + purpose, hashlib.sha256).digest()


@lru_cache(maxsize=8)
def _fernet(keys: tuple[bytes, ...]) -> MultiFernet:
    return MultiFernet([Fernet(base64.urlsafe_b64encode(_derive(k, b"encrypt"))) for k in keys])


@lru_cache(maxsize=8)
def _hash_keys(keys: tuple[bytes, ...]) -> tuple[bytes, ...]:
    return tuple(_derive(k, b"search") for k in keys)


def encrypt(value: str) -> str:
    return _fernet(_raw_keys()).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet(_raw_keys()).decrypt(token.encode()).decode()


def rotate(token: str) -> str:
    """Re-encrypt ``token`` under the newest key."""
    return _fernet(_raw_keys()).rotate(token.encode()).decode()


def search_hash(value: str) -> str:
    """The hash under the newest key: what is stored."""
    return hmac.new(_hash_keys(_raw_keys())[0], value.encode(), hashlib.sha256).hexdigest()


def search_hashes(value: str) -> list[str]:
    """The hash under every configured key: what lookups match against (rotation in progress)."""
    return [hmac.new(k, value.encode(), hashlib.sha256).hexdigest() for k in _hash_keys(_raw_keys())]

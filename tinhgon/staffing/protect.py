"""The national identity number of an official: stored encrypted, found by a keyed digest, shown
masked (********1234) to everyone but those who manage the person.

The key is `TINHGON_FIELD_KEY` (production refuses to start without it: settings.py); in
development it is derived from the secret key. Changing the key makes stored numbers unreadable,
so it is kept with the database's backups, not with the code.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.utils.translation import gettext as _

from tinhgon.core.errors import DomainError


def _key() -> bytes:
    return hashlib.sha256(("tinhgon-field-key:" + settings.TINHGON_FIELD_KEY).encode()).digest()


def _fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_key()))


def normalize(number: str) -> str:
    """The 12 digits of a citizen identity number (CCCD), or a clear error."""
    value = (number or "").strip().replace(" ", "")
    if not (value.isascii() and value.isdigit() and len(value) in (9, 12)):
        raise DomainError(_("The identity number must have 12 digits (or 9 for an old card)."))
    return value


def digest(number: str) -> str:
    return hmac.new(_key(), normalize(number).encode(), hashlib.sha256).hexdigest()


def seal(number: str) -> str:
    return _fernet().encrypt(normalize(number).encode()).decode()


def unseal(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise DomainError(_("The identity number cannot be read with the current key.")) from None


def masked(last: str) -> str:
    return "********" + last

"""Path converters: an id in a page URL is at most 18 digits, so that it always fits the
databases' 64-bit keys. /units/99999999999999999999/ is a 404, not an overflow and a 500."""

from __future__ import annotations

from django.urls import register_converter


class IdConverter:
    # 18 digits stay below 2**63 - 1; a longer number names nothing that exists.
    regex = "[1-9][0-9]{0,17}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")


class CodeConverter:
    """A record's code in a page URL (a dossier's `03667-20260302-000001`): letters, digits,
    dots, dashes and underscores, at most 64; anything else (a NUL byte included) is a 404."""

    regex = "[0-9A-Za-z][0-9A-Za-z._-]{0,63}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(CodeConverter, "code")

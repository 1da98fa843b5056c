"""`tinhgon integrity` subcommands: flags (see management/commands/integrity.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def add(sub: Any) -> dict[str, Callable[..., None]]:
    return {}

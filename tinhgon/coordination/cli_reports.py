"""`tinhgon coord` subcommands: reports (see management/commands/coord.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def add(sub: Any) -> dict[str, Callable[..., None]]:
    return {}

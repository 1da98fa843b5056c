"""The parts of the scheduled job's round (`tinhgon jobs run`), registered by the apps that own
them from their AppConfig.ready(): the portal's sync and the dossiers' reminders (public
services), plans applied on their date (the engine), tasks' reminders (coordination), ... Each
part is called with no argument and returns a report (anything JSON can hold).

The registry lives here, at the bottom of the layers, so that any app can add its part without
importing the app that runs the round."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_parts: dict[str, Callable[[], Any]] = {}


def register_part(name: str, part: Callable[[], Any]) -> None:
    _parts[name] = part


def parts() -> dict[str, Callable[[], Any]]:
    return dict(_parts)

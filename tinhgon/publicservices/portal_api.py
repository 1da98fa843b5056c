"""The citizens' and businesses' API: file, track, rate (no login)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["portal"])

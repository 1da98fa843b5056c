"""Staffing API: placement."""

from ninja import Router

router = Router(tags=["staff"])

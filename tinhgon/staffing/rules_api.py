"""Staffing API: rules."""

from ninja import Router

router = Router(tags=["staff"])

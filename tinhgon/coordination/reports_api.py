"""Coordination API: reports."""

from ninja import Router

router = Router(tags=["coordination"])

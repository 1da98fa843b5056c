"""Coordination API: obstacles."""

from ninja import Router

router = Router(tags=["coordination"])

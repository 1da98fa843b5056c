"""Integrity API: cases."""

from ninja import Router

router = Router(tags=["integrity"])

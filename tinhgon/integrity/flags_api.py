"""Integrity API: flags."""

from ninja import Router

router = Router(tags=["integrity"])

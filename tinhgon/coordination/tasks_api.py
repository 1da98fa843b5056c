"""Coordination API: tasks."""

from ninja import Router

router = Router(tags=["coordination"])

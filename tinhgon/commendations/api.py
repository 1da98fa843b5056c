"""The commendations API, under /api/commendations."""

from ninja import Router

router = Router(tags=["commendations"])

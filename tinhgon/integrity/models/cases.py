"""Cases: feedback, complaints, denunciations (the cases part fills this in)."""

__all__: list[str] = []

"""Red flags from the dossiers' history (the flags part fills this in)."""

__all__: list[str] = []

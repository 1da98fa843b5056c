"""History: placeholder, filled below."""


def register_all() -> None:
    return None

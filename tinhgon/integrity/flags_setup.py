"""What the flags part registers from IntegrityConfig.ready()."""


def register_all() -> None:
    return None

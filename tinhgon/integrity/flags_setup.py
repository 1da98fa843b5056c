"""What the flags part registers from IntegrityConfig.ready(): the public services effect that
keeps the red flags current (integrity/flags.py)."""


def register_all() -> None:
    from tinhgon.integrity import flags
    from tinhgon.publicservices import effects

    effects.register(flags.follow)

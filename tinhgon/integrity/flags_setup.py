"""What the flags part registers from IntegrityConfig.ready(): the public services effects that
keep the red flags current (transitions and ratings), and the scheduled job's part that refreshes the idle flags (they
change with the clock, not with a transition) (integrity/flags.py)."""


def register_all() -> None:
    from tinhgon.core.jobs import register_part
    from tinhgon.integrity import flags
    from tinhgon.publicservices import effects

    effects.register(flags.follow)
    effects.register_rated(flags.rated)
    register_part("integrity_flags_idle", flags.refresh_idle)

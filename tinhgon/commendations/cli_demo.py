"""`tinhgon commendations demo --province NAME [--seed S] [--format json]`: the labelled
synthetic set (demo.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from tinhgon.commendations import demo
from tinhgon.core.commands import MAX_SEED, bounded_int, to_json


def add(sub: Any) -> dict[str, Callable[..., None]]:
    made = sub.add_parser("demo", help=_("Make a labelled synthetic set of commendations."))
    made.add_argument("--province", required=True, help=_("the province's name or code"))
    made.add_argument("--seed", type=bounded_int(0, MAX_SEED), default=1)
    made.add_argument("--format", choices=["text", "json"], default="text")
    return {"demo": demo_command}


def demo_command(command: Any, *, province: str, seed: int, format: str, **_options: Any) -> None:
    made = demo.demo(province=province[:200], seed=seed)
    if format == "json":
        command.stdout.write(to_json(made))
        return
    command.stdout.write(
        _(
            "Synthetic commendations made in %(province)s: %(campaigns)s campaigns, "
            "%(proposals)s proposals, %(decisions)s decisions, %(commendations)s commendations."
        )
        % made
    )

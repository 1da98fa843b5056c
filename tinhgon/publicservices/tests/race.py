"""One side of a race, run as its own process on a database of its own (test_concurrency.py).

    python -m tinhgon.publicservices.tests.race setup
    python -m tinhgon.publicservices.tests.race MOVE CODE START

`setup` builds a province, a ward, the catalogue and a dossier being processed, and prints its
code; a move waits until the epoch second START, then applies MOVE to the dossier: exit 0 when
the service returned, 1 with the refusal's code when it refused.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tinhgon.settings")
    import django

    django.setup()
    from django.contrib.auth.models import User

    from tinhgon.core.errors import DomainError
    from tinhgon.publicservices import services
    from tinhgon.publicservices.tests.factories import file_dossier
    from tinhgon.units import services as units

    if argv[0] == "setup":
        day = dt.date(2025, 7, 1)
        province = units.unit_create(
            actor=None,
            code="14",
            name="Tỉnh Sơn La",
            kind="province",
            parent_id=None,
            valid_from=day,
        )
        ward = units.unit_create(
            actor=None,
            code="03667",
            name="Phường Chiềng An",
            kind="ward",
            parent_id=province.unit_id,
            valid_from=day,
        )
        dossier = file_dossier(ward.unit_id)
        official = User.objects.create(username="race-official")
        services.dossier_assign(actor=None, code=dossier.code, assignee=official)
        print(dossier.code)
        return 0
    move, code, start = argv[0], argv[1], float(argv[2])
    calls = {
        "approve": lambda: services.dossier_approve(actor=None, code=code),
        "reject": lambda: services.dossier_reject(actor=None, code=code, note="Không đủ điều kiện"),
        "stop": lambda: services.dossier_stop(actor=None, code=code, note="Dừng"),
    }
    time.sleep(max(0.0, start - time.time()))
    try:
        calls[move]()
    except DomainError as error:
        print(error.code)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Shared fixtures: the real national registry (imported once per session) and named personas.

Personas, as in every access test:
- a provincial administrator of Sơn La,
- a commune official of Phường Chiềng An (Sơn La),
- an official of another commune, Phường Tô Hiệu (Sơn La),
- a read-only observer of Phường Chiềng An,
- a provincial administrator of another province, Hà Nội,
- a superuser.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from tinhgon.accounts import services as accounts
from tinhgon.accounts.models import Role
from tinhgon.operations.national import import_national_with_plan
from tinhgon.reorg import engine
from tinhgon.reorg.national import build_2025_plan
from tinhgon.units import selectors
from tinhgon.units.importer import import_legacy
from tinhgon.units.kinds import Level
from tinhgon.units.national import REFORM_DAY
from tinhgon.units.template import apparatus_generate

AFTER = REFORM_DAY
BEFORE = REFORM_DAY - dt.timedelta(days=1)


# What happened while the session's registry was built from the real data: the 2025 plan was
# previewed, then applied, to the legacy registry. Tests of the engine read these.
NATIONAL: dict[str, Any] = {}


def db_checksum() -> str:
    """A digest of every row of every table tinhgon owns."""
    digest = hashlib.sha256()
    tables = sorted(
        t for t in connection.introspection.table_names() if t.split("_")[0] in OWN_APPS
    )
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {table} ORDER BY 1")
            digest.update(table.encode())
            for row in cursor.fetchall():
                digest.update(repr(row).encode())
    return digest.hexdigest()


OWN_APPS = {
    "units",
    "accounts",
    "reorg",
    "core",
    "auth",
    "carriers",
    "carrier",
    "publicservices",
    "workdays",
}


def plan_audit(plan_id: int) -> list[tuple[str, int | None]]:
    """What the audit says of a plan, in order: (action, id of the acting user or None)."""
    from tinhgon.core.models import AuditEvent

    events = AuditEvent.objects.filter(data__plan=plan_id).order_by("id")
    return [(event.action, event.actor_id) for event in events]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        import_legacy()
        chieng_xom = selectors.resolve("Xã Chiềng Xôm", day=BEFORE)
        NATIONAL["legacy_official"] = make_persona(
            "chieng-xom-official", chieng_xom.unit_id, Role.UNIT_OFFICIAL
        )
        NATIONAL["legacy_unit"] = chieng_xom.unit_id
        plan = build_2025_plan()
        NATIONAL["plan"] = plan
        before = db_checksum()
        NATIONAL["preview"] = engine.run(plan, apply=False).report
        NATIONAL["preview_changed_nothing"] = db_checksum() == before
        NATIONAL["apply"] = engine.run(plan, apply=True).report
        import_national_with_plan()  # finds everything done: the session also proves idempotency
        son_la = selectors.resolve_province("Sơn La", day=AFTER)
        apparatus_generate(
            actor=None,
            province_id=son_la.unit_id,
            day=AFTER,
            extras=["dan-toc-ton-giao", "ngoai-vu"],
        )


def unit(
    name: str, *, day: dt.date = AFTER, level: int | None = None, province: str | None = "Sơn La"
):
    province_id = selectors.resolve_province(province, day=day).unit_id if province else None
    return selectors.resolve(name, day=day, level=level, province_id=province_id)


@dataclass
class Persona:
    user: Any
    token: str

    def api(self) -> Client:
        return Client(headers={"Authorization": f"Bearer {self.token}"})

    def browser(self) -> Client:
        client = Client()
        client.force_login(self.user)
        return client


def make_persona(username: str, unit_id: int, role: str) -> Persona:
    user = accounts.user_create(actor=None, username=username, password="a-long-test-password")
    accounts.membership_add(actor=None, user=user, unit_id=unit_id, role=role)
    _, secret = accounts.token_create(actor=None, user=user, name="test")
    return Persona(user, secret)


@pytest.fixture
def son_la(db):
    return unit("Sơn La", level=Level.PROVINCE, province=None)


@pytest.fixture
def chieng_an(db):
    return unit("Phường Chiềng An", level=Level.COMMUNE)


@pytest.fixture
def to_hieu(db):
    return unit("Phường Tô Hiệu", level=Level.COMMUNE)


@pytest.fixture
def province_admin(son_la):
    return make_persona("province-admin", son_la.unit_id, Role.PROVINCE_ADMIN)


@pytest.fixture
def commune_official(chieng_an):
    return make_persona("chieng-an-official", chieng_an.unit_id, Role.UNIT_OFFICIAL)


@pytest.fixture
def other_commune_official(to_hieu):
    return make_persona("to-hieu-official", to_hieu.unit_id, Role.UNIT_OFFICIAL)


@pytest.fixture
def observer(chieng_an):
    return make_persona("chieng-an-observer", chieng_an.unit_id, Role.OBSERVER)


@pytest.fixture
def ha_noi(db):
    return unit("Hà Nội", level=Level.PROVINCE, province=None)


@pytest.fixture
def ha_noi_admin(ha_noi):
    return make_persona("ha-noi-admin", ha_noi.unit_id, Role.PROVINCE_ADMIN)


@pytest.fixture
def superuser(db):
    user = accounts.user_create(
        actor=None, username="superuser", password="a-long-test-password", is_superuser=True
    )
    _, secret = accounts.token_create(actor=None, user=user, name="test")
    return Persona(user, secret)


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    """Debian's Chromium, one per test module of pages (tinhgon.browser.launch)."""
    from playwright.sync_api import sync_playwright

    from tinhgon.browser import launch

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def e2e_registry(tmp_path_factory):
    """A national registry on a SQLite file with the browser personas' accounts, built once;
    each browser test module serves a copy of it (tinhgon.browser.serve)."""
    from tinhgon.browser import build_registry

    return build_registry(tmp_path_factory.mktemp("e2e-registry"))

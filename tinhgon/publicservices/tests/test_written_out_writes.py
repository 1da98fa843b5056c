"""The filing's rows are written with written-out INSERTs (publicservices.inserts) and its hot
reads built from written-out SELECTs (core.db.instances): what lands in the tables, and what the
code reads back, must be what the ORM would have written and read, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models import signals
from django.test.utils import CaptureQueriesContext

from tinhgon.core.db import instances
from tinhgon.publicservices import inserts, services
from tinhgon.publicservices.models import (
    Dossier,
    DossierEvent,
    Notification,
    PortalOutbox,
    ProcedureVersion,
)
from tinhgon.publicservices.tests.factories import TAM_TRU, load_catalogue
from tinhgon.units.models import UnitVersion
from tinhgon.workdays.calendar import VIETNAM

pytestmark = pytest.mark.django_db

WRITTEN_OUT = (Dossier, DossierEvent, PortalOutbox, Notification)


def row(model, pk: int) -> dict:  # type: ignore[no-untyped-def]
    return model._default_manager.filter(pk=pk).values().get()


def file(commune_id: int, *, email: str = "", ref: str | None = None) -> services.Filed:
    load_catalogue()
    return services.dossier_file(
        actor=None,
        procedure_code=TAM_TRU,
        applicant_kind="citizen",
        applicant_name="Lò Thị Mẫu",
        applicant_id="014123456789",
        applicant_commune_id=commune_id,
        channel="online",
        receiving_unit_id=commune_id,
        applicant_email=email,
        applicant_phone="0912 345 678",
        client_ref=ref,
    )


def test_nothing_listens_to_the_rows_written_without_save():
    # insert() sends no pre_save/post_save: a receiver added one day would silently miss rows.
    for model in WRITTEN_OUT:
        assert not signals.pre_save.has_listeners(model), model
        assert not signals.post_save.has_listeners(model), model


def test_a_filing_writes_its_dossier_event_outbox_row_and_email_as_the_orm_would(clock, chieng_an):
    filed = file(chieng_an.unit_id, email="mau@example.vn", ref="counter-1")
    dossier, event = filed.dossier, filed.event
    assert event is not None
    outbox = PortalOutbox.objects.get(dossier=dossier)
    email = Notification.objects.get(dossier=dossier)
    written = [
        (Dossier, dossier.pk, {"code", "client_ref"}),
        (DossierEvent, event.pk, set()),
        (PortalOutbox, outbox.pk, set()),
        (Notification, email.pk, set()),
    ]
    for model, pk, unique in written:
        found = row(model, pk)
        # The same row again through the ORM (unique columns changed), read back the same way.
        values = {k: v for k, v in found.items() if k != "id"}
        values.update({k: f"{values[k]}-orm" for k in unique})
        again = row(model, model._default_manager.create(**values).pk)
        assert {k: v for k, v in again.items() if k not in {"id", *unique}} == {
            k: v for k, v in found.items() if k not in {"id", *unique}
        }, model
    # The instances the filing handed on are the rows as read back.
    assert row(Dossier, dossier.pk)["submitted_at"] == dossier.submitted_at
    assert dossier.version == 0 and dossier.pauses == [] and dossier.fees_due == 0
    assert outbox.payload["data"][0]["MaHoSo"] == dossier.code
    assert outbox.event_id == event.pk and email.event_id == event.pk
    assert email.recipients == ["mau@example.vn"]
    assert event.at == dt.datetime(2026, 3, 2, 9, 0, tzinfo=VIETNAM)


def test_an_inserted_row_comes_back_as_a_saved_instance(clock, chieng_an):
    filed = file(chieng_an.unit_id)
    event = inserts.insert(
        DossierEvent,
        dossier=filed.dossier,
        move="note",
        to_status=1,
        unit_id=chieng_an.unit_id,
        at=clock.now(),
        data={"ý": "kiến"},
    )
    assert event.pk is not None and not event._state.adding
    stored = DossierEvent.objects.get(pk=event.pk)
    assert (stored.move, stored.data, stored.note, stored.at) == (
        "note",
        {"ý": "kiến"},
        "",
        clock.now(),
    )
    # Saving it again updates the row, as with an instance the ORM created.
    event.note = "đã sửa"
    event.save()
    assert DossierEvent.objects.filter(dossier=filed.dossier).count() == 2
    assert DossierEvent.objects.get(pk=event.pk).note == "đã sửa"


def test_a_filing_at_a_counter_asks_the_database_nine_times_with_its_reference(
    clock, chieng_an, commune_official
):
    load_catalogue()
    body = {
        "procedure_code": TAM_TRU,
        "applicant_kind": "citizen",
        "applicant_name": "Lò Văn Đếm",
        "applicant_id": "014123456780",
        "applicant_commune_id": chieng_an.unit_id,
        "receiving_unit_id": chieng_an.unit_id,
        "client_ref": "count-1",
    }
    api = commune_official.api()
    first = api.post("/api/services/dossiers", body, content_type="application/json")
    assert first.status_code == 201
    body.update(client_ref="count-2", applicant_id="014123456781")
    with CaptureQueriesContext(connection) as queries:
        answer = api.post("/api/services/dossiers", body, content_type="application/json")
    assert answer.status_code == 201
    # token, scope, centre, reference, procedure, counter, dossier, event, outbox row (the
    # transaction's own statements aside; the token's last use was written a moment ago)
    statements = [q["sql"] for q in queries.captured_queries]
    assert len([s for s in statements if not s.startswith(("SAVEPOINT", "RELEASE"))]) == 9


def test_written_out_reads_convert_every_column_as_the_orm_does(clock, chieng_an):
    load_catalogue()
    procedure = services.procedure_version_on(TAM_TRU, dt.date(2026, 3, 2))
    orm = ProcedureVersion.objects.select_related("procedure").get(pk=procedure.pk)
    for f in ProcedureVersion._meta.concrete_fields:
        assert getattr(procedure, f.attname) == getattr(orm, f.attname), f.name
    assert procedure.procedure.code == TAM_TRU
    [version] = instances(
        UnitVersion,
        f"SELECT *, 7 AS extra FROM {UnitVersion._meta.db_table} WHERE id = %s",
        [chieng_an.pk],
    )
    orm_version = UnitVersion.objects.get(pk=chieng_an.pk)
    for f in UnitVersion._meta.concrete_fields:
        assert getattr(version, f.attname) == getattr(orm_version, f.attname), f.name
    assert version.extra == 7  # type: ignore[attr-defined]
    # A field without a column is deferred (read when asked), not invented.
    [partial] = instances(
        UnitVersion,
        f"SELECT id, unit_id FROM {UnitVersion._meta.db_table} WHERE id = %s",
        [chieng_an.pk],
    )
    assert partial.get_deferred_fields() >= {"name", "valid_from"}
    assert partial.name == orm_version.name

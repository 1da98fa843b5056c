"""Audit rows name their unit by id: core knows no domain model."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tinhgon.core.models import AuditEvent, audit

pytestmark = pytest.mark.django_db


def test_an_audit_row_takes_a_unit_or_its_id_and_keeps_the_id():
    by_object = audit(actor=None, action="check", unit=SimpleNamespace(pk=41), detail="object")
    by_id = audit(actor=None, action="check", unit=42, detail="id")
    assert AuditEvent.objects.get(pk=by_object.pk).unit_id == 41
    assert AuditEvent.objects.get(pk=by_id.pk).unit_id == 42
    assert AuditEvent.objects.get(pk=by_id.pk).data == {"detail": "id"}


def test_an_audit_row_may_name_no_unit_or_a_unit_that_is_gone():
    nothing = audit(actor=None, action="check")
    gone = audit(actor=None, action="check", unit=2**62)  # no such unit: history outlives it
    assert AuditEvent.objects.get(pk=nothing.pk).unit_id is None
    assert AuditEvent.objects.get(pk=gone.pk).unit_id == 2**62


def test_a_superuser_reads_audit_rows_with_their_unit_id_in_the_admin(client, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="a-long-test-password")
    event = audit(actor=root, action="check_admin", unit=987654)
    client.force_login(root)
    listing = client.get("/admin/core/auditevent/", {"action": "check_admin"})
    assert listing.status_code == 200
    assert "987654" in listing.content.decode()
    page = client.get(f"/admin/core/auditevent/{event.pk}/change/")
    assert page.status_code == 200
    assert "987654" in page.content.decode()

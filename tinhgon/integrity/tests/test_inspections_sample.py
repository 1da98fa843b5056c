"""Public service inspections: a seeded, bounded, stratified sample of the subject unit's
dossiers over the period inspected, verdicts on each, and the irregular ones counted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tinhgon.core.errors import DomainError
from tinhgon.integrity import inspections
from tinhgon.integrity import inspections_selectors as read
from tinhgon.integrity.models import InspectionKind, SampledDossier
from tinhgon.integrity.tests import inspections_factories as make
from tinhgon.publicservices.models import Dossier, DossierEvent
from tinhgon.publicservices.tests.factories import file_dossier
from tinhgon.workdays.calendar import VIETNAM

pytestmark = pytest.mark.django_db

IN_PERIOD = dt.datetime(2025, 8, 4, 9, 0, tzinfo=VIETNAM)


def _dossiers(unit_id: int, n: int, *, at: dt.datetime = IN_PERIOD) -> list[Dossier]:
    made = [file_dossier(unit_id) for _ in range(n)]
    Dossier.objects.filter(pk__in=[d.pk for d in made]).update(
        submitted_at=at, due_at=at + dt.timedelta(days=10), finished_at=at + dt.timedelta(days=5)
    )
    return made


def _sent_back(dossier: Dossier, times: int) -> None:
    for _ in range(times):
        DossierEvent.objects.create(
            dossier=dossier,
            move="request_supplement",
            to_status=dossier.status,
            unit_id=dossier.unit_id,
            at=IN_PERIOD,
        )


@pytest.fixture
def service_inspection(chieng_an):
    return make.decided(chieng_an.unit_id, kind=InspectionKind.PUBLIC_SERVICE)


def test_the_sample_takes_late_and_repeatedly_sent_back_dossiers_first_then_the_rest_by_seed(
    chieng_an, service_inspection
):
    plain = _dossiers(chieng_an.unit_id, 6)
    late, bounced, both = _dossiers(chieng_an.unit_id, 3)
    Dossier.objects.filter(pk__in=[late.pk, both.pk]).update(
        finished_at=IN_PERIOD + dt.timedelta(days=20)
    )
    _sent_back(bounced, 2)
    _sent_back(both, 3)
    _sent_back(plain[0], 1)  # once is not "repeated"
    outside = _dossiers(chieng_an.unit_id, 2, at=dt.datetime(2025, 12, 1, 9, 0, tzinfo=VIETNAM))
    samples = inspections.sample_draw(
        actor=None, inspection_id=service_inspection.pk, size=5, seed=7
    )
    drawn = [s.dossier_id for s in samples]
    assert len(drawn) == 5 and len(set(drawn)) == 5
    assert drawn[0] == both.pk
    assert set(drawn[1:3]) == {late.pk, bounced.pk}
    assert set(drawn[3:]) <= {d.pk for d in plain}
    assert not set(drawn) & {d.pk for d in outside}
    assert [s.code for s in samples] == [Dossier.objects.get(pk=pk).code for pk in drawn]
    # Drawn once: asking again returns the same sample.
    again = inspections.sample_draw(actor=None, inspection_id=service_inspection.pk, size=9, seed=1)
    assert [s.dossier_id for s in again] == drawn


def test_the_same_seed_draws_the_same_sample(chieng_an):
    _dossiers(chieng_an.unit_id, 12)
    draws = []
    for _ in range(2):
        inspection = make.decided(chieng_an.unit_id, kind=InspectionKind.PUBLIC_SERVICE)
        draws.append(
            [
                s.dossier_id
                for s in inspections.sample_draw(
                    actor=None, inspection_id=inspection.pk, size=4, seed=42, stratify=False
                )
            ]
        )
    assert draws[0] == draws[1]


def test_a_sample_is_bounded_and_only_for_public_service_inspections(chieng_an, service_inspection):
    for size in (0, 201):
        with pytest.raises(DomainError) as refused:
            inspections.sample_draw(
                actor=None, inspection_id=service_inspection.pk, size=size, seed=1
            )
        assert refused.value.problems[0].field == "size"
    administrative = make.decided(chieng_an.unit_id)
    with pytest.raises(DomainError) as refused:
        inspections.sample_draw(actor=None, inspection_id=administrative.pk, size=3, seed=1)
    assert refused.value.problems[0].field == "kind"
    assert not SampledDossier.objects.exists()


def test_verdicts_are_recorded_while_underway_and_the_summary_counts_the_irregular_ones(
    chieng_an, service_inspection, commune_official
):
    _dossiers(chieng_an.unit_id, 4)
    samples = inspections.sample_draw(
        actor=None, inspection_id=service_inspection.pk, size=4, seed=3
    )
    with pytest.raises(DomainError) as early:
        inspections.sample_verdict(actor=None, sample_id=samples[0].pk, verdict="compliant")
    assert early.value.code == "illegal_move"
    inspections.inspection_start(
        actor=None, inspection_id=service_inspection.pk, starts_on=timezone.localdate()
    )
    with pytest.raises(DomainError) as bare:
        inspections.sample_verdict(actor=None, sample_id=samples[0].pk, verdict="irregular")
    assert bare.value.problems[0].field == "note"
    with pytest.raises(DomainError) as subject:
        inspections.sample_verdict(
            actor=commune_official.user, sample_id=samples[0].pk, verdict="compliant"
        )
    assert subject.value.code == "forbidden"
    inspections.sample_verdict(
        actor=None, sample_id=samples[0].pk, verdict="irregular", note="Yêu cầu bổ sung 3 lần"
    )
    inspections.sample_verdict(
        actor=None, sample_id=samples[1].pk, verdict="irregular", note="Trễ hạn không xin lỗi"
    )
    inspections.sample_verdict(actor=None, sample_id=samples[2].pk, verdict="compliant")
    summary = read.summary(service_inspection)
    assert summary["irregular"] == 2 and summary["sampled"] == 4
    assert summary["samples"] == {"pending": 1, "compliant": 1, "irregular": 2}

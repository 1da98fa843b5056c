"""The hook that follows a rating (`effects.register_rated`): a rating is not a transition, yet
what counts ratings (the red flags) must see each one once, in the rating's transaction."""

from __future__ import annotations

import pytest

from tinhgon.core.errors import DomainError
from tinhgon.publicservices import effects, portal
from tinhgon.publicservices.models import Dossier
from tinhgon.publicservices.tests.factories import file_dossier
from tinhgon.publicservices.tests.test_portal import finish

pytestmark = pytest.mark.django_db


@pytest.fixture
def seen(monkeypatch):  # type: ignore[no-untyped-def]
    found: list[tuple[str, int | None, bool]] = []

    def follow(dossier: Dossier) -> None:
        stored = Dossier.objects.get(pk=dossier.pk).rating  # written before the hook runs
        found.append((dossier.code, dossier.rating, stored == dossier.rating))

    monkeypatch.setattr(effects, "_rated", [])
    effects.register_rated(follow)
    effects.register_rated(follow)  # twice: kept once
    return found


def test_a_rating_runs_the_registered_hook_once_with_the_rating_written(clock, chieng_an, seen):
    code = file_dossier(chieng_an.unit_id).code
    finish(code, returned=False)
    portal.portal_rate(dossier=Dossier.objects.get(code=code), rating=1)
    assert seen == [(code, 1, True)]
    with pytest.raises(DomainError):  # a second rating is refused: the hook does not run
        portal.portal_rate(dossier=Dossier.objects.get(code=code), rating=3)
    assert len(seen) == 1


def test_a_failing_hook_undoes_the_rating(clock, chieng_an, monkeypatch):
    code = file_dossier(chieng_an.unit_id).code
    finish(code, returned=False)

    def broken(dossier: Dossier) -> None:
        raise RuntimeError("counter unavailable")

    monkeypatch.setattr(effects, "_rated", [broken])
    with pytest.raises(RuntimeError):
        portal.portal_rate(dossier=Dossier.objects.get(code=code), rating=2)
    assert Dossier.objects.get(code=code).rating is None

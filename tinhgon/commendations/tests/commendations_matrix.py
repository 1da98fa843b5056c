"""The access matrix's rows of commendations (accounts/tests/test_matrix.py adds them).

Columns: SU AD A2 DE WA NB OB OP (see test_matrix). Each request gets a campaign of Sơn La open
today and, where it needs one, a proposal of Phường Chiềng An (submitted, for the review) or a
decision commending the ward, made before its savepoint.

Proposing is writing the ward (its official, the province's administrators); reviewing is the
council's (the official of Sở Nội vụ, the province's administrators); deciding is the province's
administrators'. Campaigns and decisions are public acts of the province: every reader of Sơn La
reads them; the register follows the scope of the unit it names.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ALL_200 = "200 200 200 200 200 200 200 200"
PROVINCE_READERS = "200 200 200 200 200 200 200 404"
READ_WARD = "200 200 200 200 200 404 200 404"
WRITE_WARD = "200 200 200 403 200 404 403 404"
DECIDERS = "200 200 200 403 403 403 403 404"
# The forms and rules are edited by the council of the deployment's province (Sơn La); Hà Nội's
# administrator sits on another council (403).
FORM_MANAGERS = "200 200 200 200 403 403 403 403"
# A campaign's quotas: its province's council; Hà Nội's administrator does not see the campaign.
QUOTA_SETTERS = "200 200 200 200 403 403 403 404"
World = Any


def campaign(world: World):  # type: ignore[no-untyped-def]
    from tinhgon.commendations.tests.factories import campaign as make

    return make(world.id("province"), code="matrix", quotas={})


def proposal(world: World, *, submitted: bool = False):  # type: ignore[no-untyped-def]
    from tinhgon.commendations import services
    from tinhgon.commendations.tests.factories import proposal as make

    made = make(world.id("ward"), campaign(world).pk)
    if submitted:
        services.proposal_submit(actor=None, proposal_id=made.pk)
    return made


def decision(world: World):  # type: ignore[no-untyped-def]
    import datetime as dt

    from tinhgon.commendations import decisions

    return decisions.decision_record(
        actor=None,
        province_id=world.id("province"),
        number="M-1/QĐ-UBND",
        date=dt.date(2025, 8, 1),
        authority="province",
        signed_by="Chủ tịch",
        rows=[
            decisions.RecordedRow(
                form="bang-khen-chu-tich-tinh", unit_id=world.id("ward"), reason="Thành tích"
            )
        ],
    )


def ward_rule(world: World) -> Any:  # type: ignore[no-untyped-def]
    from tinhgon.commendations.models import ProposalRule

    return ProposalRule.objects.filter(unit_kind="ward").order_by("id").first()


def _url(make: Callable[[World], Any], template: str) -> Callable[[World], str]:
    return lambda world: template.format(id=make(world).pk)


def api_rows() -> dict[tuple[str, str], list[Any]]:
    from tinhgon.accounts.tests.test_matrix import Row, get, json_body, post

    def put(path, body):  # type: ignore[no-untyped-def]
        return lambda world: ("put", path(world), json_body(body(world)))

    def delete(path):  # type: ignore[no-untyped-def]
        return lambda world: ("delete", path(world), {})

    base = "/api/commendations"
    return {
        ("GET", base): [Row("the register of one's scope", get(lambda w: base), ALL_200)],
        ("GET", base + "/units/{unit_id}"): [
            Row(
                "the ward's commendations with its predecessors'",
                get(lambda w: f"{base}/units/{decision(w) and w.id('ward')}"),
                READ_WARD,
            )
        ],
        ("GET", base + "/officials/{official_id}"): [
            Row(
                "an official of the ward's record",
                get(lambda w: f"{base}/officials/{_official(w)}"),
                READ_WARD,
            )
        ],
        ("GET", base + "/forms"): [Row("the forms", get(lambda w: base + "/forms"), ALL_200)],
        ("GET", base + "/campaigns"): [
            Row("the campaigns", get(lambda w: campaign(w) and base + "/campaigns"), ALL_200)
        ],
        ("POST", base + "/campaigns"): [
            Row(
                "open a campaign in Sơn La (the council)",
                post(
                    lambda w: base + "/campaigns",
                    lambda w: {
                        "province_id": w.id("province"),
                        "code": "matrix-new",
                        "theme": "Thi đua",
                        "opens": "2026-01-01",
                        "closes": "2026-12-31",
                        "quotas": {"bang-khen-chu-tich-tinh": 3},
                    },
                ),
                "200 200 200 200 404 404 404 404",
            )
        ],
        ("PUT", base + "/forms/{code}"): [
            Row(
                "edit a form's data (the council of the deployment's province)",
                put(
                    lambda w: base + "/forms/bang-khen-chu-tich-tinh",
                    lambda w: {
                        "name": "Bằng khen của Chủ tịch UBND tỉnh",
                        "legal_basis": "Luật Thi đua, khen thưởng 2022",
                        "to_confirm": True,
                        "active": True,
                    },
                ),
                FORM_MANAGERS,
            )
        ],
        ("GET", base + "/rules"): [Row("the rules", get(lambda w: base + "/rules"), ALL_200)],
        ("POST", base + "/rules"): [
            Row(
                "add a rule (the council of the deployment's province)",
                post(
                    lambda w: base + "/rules",
                    lambda w: {"unit_kind": "ward", "form": "giay-khen-chu-tich-xa"},
                ),
                FORM_MANAGERS,
            )
        ],
        ("DELETE", base + "/rules/{rule_id}"): [
            Row(
                "remove a rule (the council of the deployment's province)",
                delete(_url(ward_rule, base + "/rules/{id}")),
                "204 204 204 204 403 403 403 403",
            )
        ],
        ("PUT", base + "/campaigns/{campaign_id}/quotas"): [
            Row(
                "set a campaign's quotas (its province's council)",
                put(
                    _url(campaign, base + "/campaigns/{id}/quotas"),
                    lambda w: {"quotas": {"bang-khen-chu-tich-tinh": 4}},
                ),
                QUOTA_SETTERS,
            )
        ],
        ("POST", base + "/proposals"): [
            Row(
                "a proposal of the ward",
                post(
                    lambda w: base + "/proposals",
                    lambda w: {
                        "unit_id": w.id("ward"),
                        "campaign_id": campaign(w).pk,
                        "title": "Đề nghị",
                        "items": [
                            {
                                "form": "bang-khen-chu-tich-tinh",
                                "unit_id": w.id("ward"),
                                "reason": "Thành tích",
                            }
                        ],
                    },
                ),
                WRITE_WARD,
            )
        ],
        ("GET", base + "/proposals/{proposal_id}"): [
            Row("a proposal of the ward", get(_url(proposal, base + "/proposals/{id}")), READ_WARD)
        ],
        ("POST", base + "/proposals/{proposal_id}/{move}"): [
            Row(
                "submit the ward's proposal",
                post(_url(proposal, base + "/proposals/{id}/submit"), lambda w: {}),
                WRITE_WARD,
            ),
            Row(
                "review it (the council)",
                post(
                    _url(lambda w: proposal(w, submitted=True), base + "/proposals/{id}/review"),
                    lambda w: {"verdicts": []},
                ),
                # The council reaches the review and is told every item needs a verdict (400).
                "400 400 400 400 403 404 403 404",
            ),
        ],
        ("POST", base + "/decisions"): [
            Row(
                "decide the campaign (nothing accepted yet: 400 for the deciders)",
                post(
                    lambda w: base + "/decisions",
                    lambda w: {
                        "campaign_id": campaign(w).pk,
                        "number": "M-2/QĐ-UBND",
                        "date": "2025-08-01",
                        "authority": "province",
                        "signed_by": "Chủ tịch",
                    },
                ),
                "400 400 400 403 403 403 403 404",
            )
        ],
        ("GET", base + "/decisions/{decision_id}"): [
            Row(
                "a decision of Sơn La",
                get(_url(decision, base + "/decisions/{id}")),
                PROVINCE_READERS,
            )
        ],
    }


def _official(world: World) -> int:
    from tinhgon.conftest import AFTER
    from tinhgon.staffing.tests import factories as staff

    return staff.official(world.id("ward"), day=AFTER)


def page_rows() -> dict[str, list[Any]]:
    from tinhgon.accounts.tests.test_matrix import Row, page

    base = "/commendations"
    return {
        "commendations:register": [Row("the register", page(lambda w: base + "/"), ALL_200)],
        "commendations:figures": [Row("the figures", page(lambda w: base + "/figures/"), ALL_200)],
        "commendations:figures_xlsx": [
            Row("the figures in Excel", page(lambda w: base + "/figures.xlsx"), ALL_200)
        ],
        "commendations:read_out": [
            Row("the list to read out", page(lambda w: base + "/read-out/"), ALL_200)
        ],
        "commendations:read_out_pdf": [
            Row(
                "the list to read out, as PDF (a decision of Sơn La)",
                page(_url(decision, base + "/read-out.pdf?decision={id}")),
                "200 200 200 200 200 404 200 404",
            )
        ],
        "commendations:decision": [
            Row(
                "a decision of Sơn La",
                page(_url(decision, base + "/decisions/{id}/")),
                PROVINCE_READERS,
            )
        ],
        "commendations:decision_pdf": [
            Row("its PDF", page(_url(decision, base + "/decisions/{id}/pdf")), PROVINCE_READERS)
        ],
        "commendations:forms": [
            Row("the forms of commendation", page(lambda w: base + "/forms/"), ALL_200)
        ],
        "commendations:form_edit": [
            Row(
                "a form's edit page (the council of the deployment's province)",
                page(lambda w: base + "/forms/bang-khen-chu-tich-tinh/edit/"),
                FORM_MANAGERS,
            )
        ],
        "commendations:rules": [
            Row("the proposing rules", page(lambda w: base + "/rules/"), ALL_200)
        ],
        "commendations:rule_remove": [
            Row(
                "the confirmation before removing a rule",
                page(_url(ward_rule, base + "/rules/{id}/remove/")),
                FORM_MANAGERS,
            )
        ],
        "commendations:campaign_quotas": [
            Row(
                "a campaign's quotas (its province's council)",
                page(_url(campaign, base + "/campaigns/{id}/quotas/")),
                QUOTA_SETTERS,
            )
        ],
        "commendations:campaigns": [
            Row("the campaigns", page(lambda w: base + "/campaigns/"), ALL_200)
        ],
        "commendations:campaign_new": [
            Row(
                "the form to open a campaign (a council: Hà Nội's administrator sits on Hà Nội's)",
                page(lambda w: base + "/campaigns/new/"),
                "200 200 200 200 403 403 403 200",
            )
        ],
        "commendations:campaign": [
            Row(
                "a campaign of Sơn La",
                page(_url(campaign, base + "/campaigns/{id}/")),
                PROVINCE_READERS,
            )
        ],
        "commendations:proposal_new": [
            Row(
                "the proposal form",
                page(_url(campaign, base + "/campaigns/{id}/propose/")),
                PROVINCE_READERS,
            )
        ],
        "commendations:decision_new": [
            Row(
                "the decision form (the province's administrators)",
                page(_url(campaign, base + "/campaigns/{id}/decide/")),
                DECIDERS,
            )
        ],
        "commendations:proposal": [
            Row(
                "a proposal of the ward", page(_url(proposal, base + "/proposals/{id}/")), READ_WARD
            )
        ],
        "commendations:proposal_submit": [
            Row(
                "the confirmation before submitting",
                page(_url(proposal, base + "/proposals/{id}/submit/")),
                READ_WARD,
            )
        ],
        "commendations:proposal_review": [
            Row(
                "the review (a GET goes back to the proposal)",
                page(_url(proposal, base + "/proposals/{id}/review/")),
                "302 302 302 302 302 404 302 404",
            )
        ],
    }

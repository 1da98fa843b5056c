"""A printable document in a real browser: a logged-in official of Phường Chiềng An opens the
receipt of a dossier of the ward in Chromium and gets a PDF."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tinhgon.browser import csp_violations, environment, log_in, new_context, serve

# Files one dossier at the ward on the served copy (the catalogue first) and prints its code.
FILE_A_DOSSIER = """
from tinhgon.publicservices import services
from tinhgon.publicservices.tests.factories import load_catalogue
from tinhgon.units import selectors
from django.utils import timezone
load_catalogue()
ward = selectors.resolve("Phường Chiềng An", day=timezone.localdate()).unit_id
dossier = services.dossier_submit(
    actor=None, procedure_code="1.004194", applicant_kind="citizen",
    applicant_name="Lò Văn Trình Duyệt", applicant_id="014100000077",
    applicant_commune_id=ward, channel="in_person", receiving_unit_id=ward,
)
print(services.dossier_receive(actor=None, code=dossier.code).code)
"""


@pytest.fixture(scope="module")
def served(e2e_registry, tmp_path_factory) -> Iterator[tuple[str, str]]:
    data: Path = tmp_path_factory.mktemp("pdf-pages")
    with serve(e2e_registry, data) as address:
        done = subprocess.run(
            [sys.executable, "-m", "tinhgon.manage", "shell", "-c", FILE_A_DOSSIER],
            env=environment(data),
            check=True,
            capture_output=True,
            text=True,
        )
        yield address, done.stdout.strip().splitlines()[-1]


def test_an_official_opens_the_receipt_in_chromium_and_gets_a_pdf(served, browser):
    server, code = served
    page = new_context(browser).new_page()
    log_in(page, server, "chieng-an-official")
    address = f"{server}/services/pdf/{code}/receipt.pdf"
    # Opened as a person would: Chromium shows it in its PDF viewer.
    opened = page.goto(address)
    assert opened is not None and opened.status == 200
    assert opened.headers["content-type"] == "application/pdf"
    # The viewer hides the bytes: fetched again by the page, with the session's cookie.
    answer = page.evaluate(
        """async (url) => {
            const response = await fetch(url);
            const bytes = new Uint8Array(await response.arrayBuffer());
            return {
                status: response.status,
                type: response.headers.get("content-type"),
                cache: response.headers.get("cache-control"),
                start: String.fromCharCode(...bytes.slice(0, 5)),
                size: bytes.length,
            };
        }""",
        address,
    )
    assert answer["status"] == 200
    assert answer["type"] == "application/pdf"
    assert answer["cache"] == "private, no-store"
    assert answer["start"] == "%PDF-"
    assert answer["size"] > 5_000
    assert csp_violations(page) == []
    page.context.close()

"""Documents filed with a dossier: checked by their content before anything is stored, all or
nothing, stored under random names, downloaded only by who may read the dossier."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tinhgon.conftest import unit
from tinhgon.core.errors import DomainError
from tinhgon.publicservices import documents, portal, services
from tinhgon.publicservices.models import Document, Dossier, Stage
from tinhgon.publicservices.tests.factories import TAM_TRU, load_catalogue

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TINHGON_DOCUMENT_MAX_BYTES = 10_000
    settings.TINHGON_DOCUMENT_MAX_FILES = 3
    cache.clear()
    return Path(settings.MEDIA_ROOT)


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def file_online(*files: SimpleUploadedFile, **more: str) -> Dossier:
    load_catalogue()
    fields = {
        "procedure_code": TAM_TRU,
        "applicant_kind": "citizen",
        "applicant_name": "Lò Thị Mai",
        "applicant_id": "014199001234",
        "applicant_commune": "Phường Chiềng An",
        "applicant_phone": "0912 345 678",
        **more,
    }
    return portal.portal_file(files=list(files), **fields)  # type: ignore[arg-type]


def test_documents_filed_with_a_dossier_are_stored_under_random_names_with_their_digest(
    clock, media
):
    dossier = file_online(
        upload("Tờ khai CT01.pdf", PDF), upload("anh.png", PNG, "image/png"), upload("x.jpg", JPEG)
    )
    stored = list(Document.objects.filter(dossier=dossier).order_by("id"))
    assert [(d.name, d.content_type, d.stage) for d in stored] == [
        ("Tờ khai CT01.pdf", "application/pdf", Stage.FILED),
        ("anh.png", "image/png", Stage.FILED),
        ("x.jpg", "image/jpeg", Stage.FILED),
    ]
    first = stored[0]
    path = str(first.file.name)
    assert first.size == len(PDF) and len(first.sha256) == 64
    assert path.startswith("dossiers/2026/03/") and path.endswith(".pdf")
    assert "khai" not in path  # nothing of the applicant's name reaches the disk
    assert (media / path).read_bytes() == PDF
    assert len(stored_files(media)) == 3


def test_a_file_disguised_as_a_pdf_refuses_the_whole_filing_and_nothing_is_stored(clock, media):
    with pytest.raises(DomainError) as refused:
        file_online(
            upload("good.pdf", PDF),
            upload("virus.pdf", b"MZ\x90\x00 this is a program", "application/pdf"),
        )
    problems = [p.message for p in refused.value.problems]
    assert problems == ["virus.pdf: không phải tệp PDF, JPEG hay PNG (theo nội dung tệp)."]
    assert refused.value.problems[0].field == "documents"
    assert not Dossier.objects.exists() and not Document.objects.exists()
    assert stored_files(media) == []


def test_a_file_too_large_is_refused_by_its_size_naming_the_file_and_the_limit(clock, media):
    with pytest.raises(DomainError) as refused:
        file_online(upload("scan.pdf", PDF + b"0" * 10_000))
    assert [p.message for p in refused.value.problems] == ["scan.pdf: quá lớn (tối đa 0,01 MB)."]
    assert not Dossier.objects.exists() and stored_files(media) == []


def test_too_many_files_are_refused_before_any_is_read(clock, media):
    with pytest.raises(DomainError) as refused:
        file_online(*[upload(f"{n}.pdf", PDF) for n in range(4)])
    assert refused.value.code == "invalid"
    assert "tối đa 3 tài liệu" in refused.value.problems[0].message
    assert not Dossier.objects.exists() and stored_files(media) == []


def test_an_empty_file_is_refused(clock, media):
    with pytest.raises(DomainError) as refused:
        file_online(upload("empty.pdf", b""))
    assert refused.value.problems[0].message == "empty.pdf: tệp rỗng."


def test_a_failure_after_the_files_were_written_deletes_them(clock, media, monkeypatch):
    def broken(**kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("the disk is full")

    load_catalogue()
    original = documents.documents_store

    def store_then_fail(**kwargs):  # type: ignore[no-untyped-def]
        original(**kwargs)
        broken()

    monkeypatch.setattr(documents, "documents_store", store_then_fail)
    with pytest.raises(RuntimeError):
        file_online(upload("a.pdf", PDF))
    assert not Dossier.objects.exists() and stored_files(media) == []


def test_a_name_with_folders_and_control_characters_is_cleaned_and_bounded():
    assert documents.clean_name("../../etc/passwd") == "passwd"
    assert documents.clean_name("C:\\Users\\lo\\Tờ khai.pdf") == "Tờ khai.pdf"
    assert documents.clean_name("a\x00b\nc.pdf") == "a_b_c.pdf"
    long = documents.clean_name("x" * 500 + ".pdf")
    assert len(long) == documents.NAME_LIMIT and long.endswith(".pdf")
    assert documents.clean_name("") == "tai-lieu"


def test_a_document_is_downloaded_by_the_applicant_after_the_second_factor_and_by_an_official_in_scope(
    clock, commune_official, other_commune_official
):
    dossier = file_online(upload("to-khai.pdf", PDF))
    document = Document.objects.get(dossier=dossier)
    url = f"/dich-vu-cong/tai-lieu/{document.pk}/"
    stranger = Client()
    assert stranger.get(url).status_code == 404
    assert other_commune_official.browser().get(url).status_code == 404
    official = commune_official.browser().get(url)
    assert official.status_code == 200 and b"".join(official.streaming_content) == PDF
    applicant = Client()
    applicant.post("/dich-vu-cong/tra-cuu/", {"code": dossier.code, "phone_last": "5678"})
    answer = applicant.get(url)
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert answer["Content-Disposition"].startswith("attachment")
    assert answer["Cache-Control"] == "private, no-store"


def test_the_applicant_supplements_a_dossier_waiting_for_documents(clock, media):
    dossier = file_online(upload("to-khai.pdf", PDF))
    services.dossier_receive(actor=None, code=dossier.code)
    services.dossier_request_supplement(actor=None, code=dossier.code, note="Thiếu ảnh")
    with pytest.raises(DomainError):
        portal.portal_supplement(
            dossier=Dossier.objects.get(pk=dossier.pk), files=[upload("bad.pdf", b"text")]
        )
    assert Document.objects.filter(dossier=dossier).count() == 1
    resumed = portal.portal_supplement(
        dossier=Dossier.objects.get(pk=dossier.pk),
        files=[upload("anh.png", PNG, "image/png")],
        note="Gửi bổ sung ảnh",
    )
    assert resumed.status == 4
    assert [d.stage for d in Document.objects.filter(dossier=dossier).order_by("id")] == [
        Stage.FILED,
        Stage.SUPPLEMENT,
    ]
    with pytest.raises(DomainError) as again:
        portal.portal_supplement(dossier=resumed, files=[upload("c.png", PNG, "image/png")])
    assert again.value.status == 409
    assert len(stored_files(media)) == 2


def test_a_supplement_counts_the_documents_the_dossier_holds(clock):
    dossier = file_online(upload("a.pdf", PDF), upload("b.pdf", PDF))
    services.dossier_receive(actor=None, code=dossier.code)
    services.dossier_request_supplement(actor=None, code=dossier.code, note="Thiếu")
    with pytest.raises(DomainError) as refused:
        portal.portal_supplement(
            dossier=Dossier.objects.get(pk=dossier.pk),
            files=[upload("c.pdf", PDF), upload("d.pdf", PDF)],
        )
    assert refused.value.code == "too_many_documents"
    assert unit("Phường Chiềng An").unit_id == dossier.unit_id


def test_an_official_adds_the_result_to_a_dossier_of_their_scope_only(
    clock, media, commune_official, other_commune_official, observer
):
    dossier = file_online(upload("to-khai.pdf", PDF))
    with pytest.raises(DomainError) as outside:
        documents.dossier_documents_add(
            actor=other_commune_official.user, code=dossier.code, files=[upload("kq.pdf", PDF)]
        )
    assert outside.value.status == 404
    with pytest.raises(DomainError) as reader:
        documents.dossier_documents_add(
            actor=observer.user, code=dossier.code, files=[upload("kq.pdf", PDF)]
        )
    assert reader.value.status == 403
    added = documents.dossier_documents_add(
        actor=commune_official.user, code=dossier.code, files=[upload("ket-qua.pdf", PDF)]
    )
    assert [(d.stage, d.uploaded_by) for d in added] == [(Stage.RESULT, commune_official.user)]
    assert len(stored_files(media)) == 2
    # The applicant sees the result among their documents.
    shown = portal.tracking(Dossier.objects.get(pk=dossier.pk)).documents
    assert [d.name for d in shown] == ["to-khai.pdf", "ket-qua.pdf"]


def test_a_document_whose_file_is_gone_is_not_found_rather_than_an_error(clock, media):
    dossier = file_online(upload("to-khai.pdf", PDF))
    document = Document.objects.get(dossier=dossier)
    (media / str(document.file.name)).unlink()
    applicant = Client()
    applicant.post("/dich-vu-cong/tra-cuu/", {"code": dossier.code, "phone_last": "5678"})
    assert applicant.get(f"/dich-vu-cong/tai-lieu/{document.pk}/").status_code == 404


def test_the_officials_dossier_page_lists_its_documents_with_their_downloads(
    clock, commune_official
):
    dossier = file_online(upload("to-khai.pdf", PDF))
    document = Document.objects.get(dossier=dossier)
    page = commune_official.browser().get(f"/services/{dossier.code}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert f'href="/dich-vu-cong/tai-lieu/{document.pk}/"' in text and "to-khai.pdf" in text

"""Documents of a dossier: every file checked before anything is stored, stored under a random
name, served only to who may read the dossier.

Invariants:
- a file is a PDF, a JPEG or a PNG by its first bytes (its name and the type the client claims
  are not believed), at most TINHGON_DOCUMENT_MAX_BYTES, not empty; a dossier holds at most
  TINHGON_DOCUMENT_MAX_FILES documents;
- one refused file refuses the whole submission, naming each refused file and why, before any
  file is written; a failure after files were written deletes them (`storing`);
- the original name is kept (cleaned, bounded) only for display and download.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhgon.core.errors import DomainError, Problem
from tinhgon.core.models import audit
from tinhgon.publicservices.models import Document, Dossier, Stage
from tinhgon.publicservices.services import access_dossier

NAME_LIMIT = 200
FIELD = "documents"
# (first bytes, content type, extension)
SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


def max_bytes() -> int:
    return int(settings.TINHGON_DOCUMENT_MAX_BYTES)


def max_files() -> int:
    return int(settings.TINHGON_DOCUMENT_MAX_FILES)


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.2f}".rstrip("0").rstrip(".").replace(".", ",") + " MB"


def clean_name(name: str | None) -> str:
    """The file's own name without any folder, control or path character, in NFC, at most
    NAME_LIMIT characters (the extension kept)."""
    base = re.split(r"[/\\]", name or "")[-1]
    base = unicodedata.normalize("NFC", _UNSAFE.sub("_", base)).strip(" .") or "tai-lieu"
    if len(base) > NAME_LIMIT:
        stem, dot, extension = base.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            base = stem[: NAME_LIMIT - len(extension) - 1] + "." + extension
        else:
            base = base[:NAME_LIMIT]
    return base


@dataclass(frozen=True)
class Incoming:
    """A file that passed every check, read into memory, not yet stored."""

    name: str
    content: bytes
    content_type: str
    extension: str
    sha256: str


def _kind(head: bytes) -> tuple[str, str] | None:
    for signature, content_type, extension in SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    return None


def check_files(
    uploads: Sequence[UploadedFile], *, already: int = 0, required: bool = False
) -> list[Incoming]:
    """Every upload checked and read; a DomainError naming each refused file (field
    "documents") if any is refused. `already`: documents the dossier holds."""
    if required and not uploads:
        raise DomainError(
            _("Attach at least one document."),
            problems=[Problem(_("Attach at least one document."), field=FIELD)],
        )
    if already + len(uploads) > max_files():
        message = _(
            "A dossier holds at most %(max)s documents (%(count)s sent, %(held)s held)."
        ) % {
            "max": max_files(),
            "count": len(uploads),
            "held": already,
        }
        raise DomainError(
            _("The documents were not accepted."),
            code="too_many_documents",
            problems=[Problem(message, field=FIELD)],
        )
    accepted: list[Incoming] = []
    problems: list[Problem] = []
    limit = max_bytes()
    for upload in uploads:
        name = clean_name(upload.name)
        # The size Django counted while spooling the upload, looked at before reading it.
        too_large = Problem(
            _("%(file)s: too large (at most %(limit)s).")
            % {"file": name, "limit": megabytes(limit)},
            field=FIELD,
        )
        if upload.size is None or upload.size > limit:
            problems.append(too_large)
            continue
        content = upload.read(limit + 1)
        if not content:
            problems.append(
                Problem(_("%(file)s: the file is empty.") % {"file": name}, field=FIELD)
            )
            continue
        if len(content) > limit:  # a size that lied: what was read decides
            problems.append(too_large)
            continue
        kind = _kind(content[:16])
        if kind is None:
            problems.append(
                Problem(
                    _("%(file)s: not a PDF, JPEG or PNG file (by its content).") % {"file": name},
                    field=FIELD,
                )
            )
            continue
        accepted.append(
            Incoming(
                name=name,
                content=content,
                content_type=kind[0],
                extension=kind[1],
                sha256=hashlib.sha256(content).hexdigest(),
            )
        )
    if problems:
        raise DomainError(
            _("The documents were not accepted: nothing was filed."),
            code="document_refused",
            problems=problems,
        )
    return accepted


@contextmanager
def storing() -> Iterator[list[str]]:
    """Yields the list that `documents_store` fills with the names it writes; if the block
    fails (the transaction around it rolls back), those files are deleted."""
    written: list[str] = []
    try:
        yield written
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise


def documents_store(
    *,
    actor,  # type: ignore[no-untyped-def]
    dossier: Dossier,
    files: Sequence[Incoming],
    stage: str,
    written: list[str],
) -> list[Document]:
    """Store checked files as documents of the dossier, inside the caller's transaction and
    `storing()` block (whose list is `written`)."""
    now = timezone.now()
    user = actor if getattr(actor, "is_authenticated", False) else None
    stored = []
    for incoming in files:
        document = Document(
            dossier=dossier,
            name=incoming.name,
            content_type=incoming.content_type,
            size=len(incoming.content),
            sha256=incoming.sha256,
            stage=stage,
            uploaded_at=now,
            uploaded_by=user,
        )
        document.file.save(
            f"upload.{incoming.extension}", ContentFile(incoming.content), save=False
        )
        written.append(str(document.file.name))
        document.save()
        stored.append(document)
    return stored


def dossier_documents(dossier: Dossier, *, stages: Sequence[str] | None = None) -> list[Document]:
    """The documents of a dossier in the order they came. The caller has checked the reader."""
    found = Document.objects.filter(dossier=dossier)
    if stages is not None:
        found = found.filter(stage__in=list(stages))
    return list(found.order_by("id"))


def applicant_stages() -> tuple[str, ...]:
    """What the applicant sees of the documents: what they filed and supplemented, and the
    result."""
    return (Stage.FILED, Stage.SUPPLEMENT, Stage.RESULT)


def dossier_documents_add(
    *,
    actor,  # type: ignore[no-untyped-def]
    code: str,
    files: Sequence[UploadedFile],
    stage: str = Stage.RESULT,
) -> list[Document]:
    """An official adds documents to a dossier they may change (the result, most often), under
    the same checks as the applicant's; an audit row names them. Nothing is stored when any file
    is refused."""
    if stage not in Stage.values:
        raise DomainError(
            _("Choose the stage."),
            problems=[Problem(_("filed, supplement or result"), field="stage")],
        )
    dossier = access_dossier(actor, code, write=True)
    held = Document.objects.filter(dossier=dossier).count()
    incoming = check_files(files, already=held, required=True)
    with storing() as written, transaction.atomic():
        stored = documents_store(
            actor=actor, dossier=dossier, files=incoming, stage=stage, written=written
        )
        audit(
            actor=actor,
            action="dossier_documents_add",
            unit=dossier.unit_id,
            dossier=dossier.code,
            stage=stage,
            documents=[d.pk for d in stored],
        )
    return stored

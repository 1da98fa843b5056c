"""Limits on what arrives: uploaded files (pages, API), request bodies and files named on the
command line. A file over the limit is refused before anything reads it, with one clear error
(413 on the web, one line and exit 1 on the command line), never a 500."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from tinhgon.core.errors import DomainError
from tinhgon.core.views import render_refusal

# What a multipart body carries besides the file: boundaries, headers, the CSRF token.
MULTIPART_OVERHEAD = 64 * 1024


def max_upload_bytes() -> int:
    return int(settings.TINHGON_MAX_UPLOAD_BYTES)


def _size(size: int) -> str:
    if size >= 1_000_000:
        return f"{round(size / 1_000_000, 1):g} MB"
    return f"{round(size / 1_000, 1):g} KB"


def too_large(name: str) -> DomainError:
    """The refusal of a file (or body) over the limit: status 413, code too_large."""
    limit = max_upload_bytes()
    return DomainError(
        _("%(file)s is too large: at most %(limit)s.") % {"file": name, "limit": _size(limit)},
        code="too_large",
        status=413,
    )


def read_upload(upload: UploadedFile | None, *, default_name: str) -> tuple[bytes, str]:
    """The content and name of an uploaded file, refused unless it is there and within the
    limit. Django has already spooled it (to memory or a temporary file): only its size is
    looked at before it is read."""
    if upload is None:
        raise DomainError(_("Choose a file."), code="no_file")
    name = (upload.name or default_name)[-200:]
    if upload.size is None or upload.size > max_upload_bytes():
        raise too_large(name)
    return upload.read(max_upload_bytes() + 1), name


def read_path(path: str) -> tuple[bytes, str]:
    """A file named on the command line, under the same limit as an upload."""
    file = Path(path)
    try:
        if not file.is_file():
            raise DomainError(_("%(path)s: no such file") % {"path": path}, code="no_file")
        if file.stat().st_size > max_upload_bytes():
            raise too_large(path)
        return file.read_bytes(), file.name
    except OSError as error:
        raise DomainError(
            _("%(path)s cannot be read (%(error)s).")
            % {"path": path, "error": error.strerror or error},
            code="no_file",
        ) from None


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared body is over the limit before anything reads it: the
    CSRF check would otherwise read a 10 GB multipart body into temporary files first, and an
    oversized JSON body would surface as Django's RequestDataTooBig, a bare 400 at best. File
    uploads may be TINHGON_MAX_UPLOAD_BYTES (and the form around them); any other body
    DATA_UPLOAD_MAX_MEMORY_SIZE."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > self.limit(request):
            return self.refuse(request)
        return self.get_response(request)

    @staticmethod
    def limit(request: HttpRequest) -> int:
        if request.content_type == "multipart/form-data":
            return max_upload_bytes() + MULTIPART_OVERHEAD
        return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or max_upload_bytes())

    @staticmethod
    def refuse(request: HttpRequest) -> HttpResponse:
        error = too_large(_("The request"))
        if request.content_type != "multipart/form-data":
            error.message = _("The request body is too large: at most %(limit)s.") % {
                "limit": _size(int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0))
            }
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse(error.as_dict(), status=413)
        else:
            response = render_refusal(request, error)
        # No "Connection: close" here: a WSGI application may not set hop-by-hop headers (the
        # development server answers 500 to one); the server decides about the connection.
        return response

"""Error pages: the API's paths answer in the API's JSON error shape, pages in HTML."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from tinhgon.core.errors import DomainError


def render_refusal(request: HttpRequest, error: DomainError) -> HttpResponse:
    """The page for a refused request: the message and where each problem is."""
    return render(request, "error.html", {"error": error}, status=error.status)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(
            {"error": {"code": "not_found", "message": "No such endpoint.", "problems": []}},
            status=404,
        )
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(
            {"error": {"code": "server_error", "message": "Internal error.", "problems": []}},
            status=500,
        )
    return render(request, "500.html", status=500)

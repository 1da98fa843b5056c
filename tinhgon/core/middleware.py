"""Every error under /api/ answers in the API's one JSON shape, whoever produced it (a 405 from
the router, a CSRF refusal, a 413 from the server)."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse, JsonResponse


class ApiErrorShapeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            phrase = HTTPStatus(response.status_code).phrase
            shaped = JsonResponse(
                {
                    "error": {
                        "code": phrase.lower().replace(" ", "_"),
                        "message": phrase,
                        "problems": [],
                    }
                },
                status=response.status_code,
            )
            if response.has_header("Allow"):
                shaped["Allow"] = response["Allow"]
            return shaped
        return response

"""Every error under /api/ answers in the API's one JSON shape, whoever produced it (a 405 from
the router, a CSRF refusal, a 413 from the server)."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _

# The statuses met here, in the request's language (the rest keep HTTP's phrase).
_MESSAGES = {
    400: _("The request could not be read."),
    403: _("You may not do this."),
    404: _("Not found."),
    405: _("This method is not allowed here."),
    413: _("The request is too large."),
    500: _("Internal error."),
}


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
            message = _MESSAGES.get(response.status_code, phrase)
            shaped = JsonResponse(
                {
                    "error": {
                        "code": phrase.lower().replace(" ", "_"),
                        "message": str(message),
                        "problems": [],
                    }
                },
                status=response.status_code,
            )
            if response.has_header("Allow"):
                shaped["Allow"] = response["Allow"]
            return shaped
        return response

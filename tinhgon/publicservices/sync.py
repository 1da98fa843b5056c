"""Push the portal's outbox to the national portal (TINHGON_PORTAL_URL), in order per dossier.

- Rows go out oldest first, and a row waits while an earlier row of the same dossier is still
  pending (even one waiting for its retry): the portal never sees a later state first.
- Each row is one HTTP POST of its JSON payload, with the token (TINHGON_PORTAL_TOKEN) in the
  Authorization header and a timeout (TINHGON_PORTAL_TIMEOUT seconds).
- A 5xx, 408 or 429, a timeout or a refused connection is tried again after a delay that doubles
  (outbox.backoff); a 4xx says the payload is wrong: the row is failed at once, with the
  portal's answer kept, and the dossier's later rows go on. So does a 2xx whose JSON body
  carries a non-zero `error_code` (the portal's own way of refusing).
- The lag of each sent row (sent_at − the change's time) is stored: `lag()` summarizes it.
- Without TINHGON_PORTAL_URL nothing is sent; the outbox fills all the same.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from tinhgon.publicservices import outbox
from tinhgon.publicservices.models import Notification, PortalOutbox

log = logging.getLogger(__name__)

RESPONSE_LIMIT = 64 * 1024  # what is read of the portal's answer
RETRIED_4XX = frozenset({408, 425, 429})  # client errors that say "later", not "wrong"
LAG_WINDOW = dt.timedelta(days=7)


@dataclass
class PushResult:
    sent: int = 0
    retried: int = 0  # failed now, to be tried again
    failed: int = 0  # refused: not tried again
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"sent": self.sent, "retried": self.retried, "failed": self.failed}


class Refused(Exception):
    """The portal refused the payload: no retry can mend it."""


def _post(url: str, token: str, body: dict[str, Any], timeout: int) -> None:
    """POST the payload; returns on success, raises Refused or another error otherwise."""
    data = json.dumps(body, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # http(s) only: env_url
            answer = response.read(RESPONSE_LIMIT)
    except urllib.error.HTTPError as error:
        text = error.read(1000).decode("utf-8", "replace")
        if 400 <= error.code < 500 and error.code not in RETRIED_4XX:
            raise Refused(f"HTTP {error.code}: {text}") from None
        raise
    try:
        parsed = json.loads(answer) if answer.strip() else None
    except ValueError:
        return  # a 2xx without JSON: taken
    if isinstance(parsed, dict) and str(parsed.get("error_code", 0)) not in {"0", ""}:
        raise Refused(f"error_code {parsed.get('error_code')}: {parsed.get('message', '')}")


def _describe(error: BaseException) -> str:
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP {error.code}: {error.reason}"
    if isinstance(error, urllib.error.URLError):
        return f"{type(error.reason).__name__}: {error.reason}"
    return f"{type(error).__name__}: {error}"


def _heads(now: dt.datetime, limit: int) -> list[int]:
    """Pending rows due now with no earlier pending row of their dossier, oldest first."""
    earlier = PortalOutbox.objects.filter(
        outbox.pending(), dossier_id=OuterRef("dossier_id"), id__lt=OuterRef("id")
    )
    rows = (
        PortalOutbox.objects.filter(outbox.pending(), outbox.unclaimed(now))
        .filter(next_attempt_at__lte=now)
        .exclude(Exists(earlier))
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
    return list(rows)


def push(*, batch: int = 200, url: str | None = None, token: str | None = None) -> PushResult:
    """Send up to `batch` rows whose time has come; what happened to them."""
    url = settings.TINHGON_PORTAL_URL if url is None else url
    token = settings.TINHGON_PORTAL_TOKEN if token is None else token
    result = PushResult()
    if not url:
        return result
    done = 0
    while done < batch:
        heads = _heads(timezone.now(), batch - done)
        progressed = False
        for pk in heads:
            if not outbox.claim(PortalOutbox, pk, timezone.now()):
                continue  # another runner has it
            progressed = True
            done += 1
            row = PortalOutbox.objects.only("payload", "event_at").get(pk=pk)
            try:
                _post(url, token, row.payload, settings.TINHGON_PORTAL_TIMEOUT)
            except Refused as error:
                result.failed += 1
                result.errors.append(str(error))
                outbox.failed(PortalOutbox, pk, str(error), retry=False)
                continue
            except (OSError, http.client.HTTPException) as error:
                result.retried += 1
                result.errors.append(_describe(error))
                log.warning("portal outbox row %s not sent: %s", pk, _describe(error))
                outbox.failed(PortalOutbox, pk, _describe(error), retry=True)
                continue
            sent_at = timezone.now()
            lag = int((sent_at - row.event_at).total_seconds() * 1000)
            PortalOutbox.objects.filter(pk=pk).update(
                sent_at=sent_at, lag_ms=max(0, lag), claimed_until=None, last_error=""
            )
            result.sent += 1
        if not progressed:
            break
    return result


def requeue_failed() -> int:
    """Give the failed rows another round of attempts (after the portal or the payload was
    fixed); how many."""
    return PortalOutbox.objects.filter(failed_at__isnull=False, sent_at__isnull=True).update(
        failed_at=None, attempts=0, next_attempt_at=timezone.now(), claimed_until=None
    )


def _at_rank(rows, rank: int) -> float:  # type: ignore[no-untyped-def]
    value = rows.order_by("lag_ms").values_list("lag_ms", flat=True)[rank]
    return round(value / 1000, 3)


def lag(*, window: dt.timedelta = LAG_WINDOW) -> dict[str, Any]:
    """The lag of the rows sent within `window` (sent_at − the change's time), in seconds:
    median, 95th percentile (nearest rank) and maximum; None when nothing was sent."""
    rows = PortalOutbox.objects.filter(sent_at__gte=timezone.now() - window, lag_ms__isnull=False)
    count = rows.count()
    summary: dict[str, Any] = {"window_days": window.days, "count": count}
    if not count:
        return {**summary, "median_s": None, "p95_s": None, "max_s": None}
    # Nearest rank on the sorted lags: one indexed read each, never the whole window in memory.
    p95_rank = max(0, -(-95 * count // 100) - 1)
    maximum = rows.aggregate(m=Max("lag_ms"))["m"]
    return {
        **summary,
        "median_s": _at_rank(rows, (count - 1) // 2),
        "p95_s": _at_rank(rows, p95_rank),
        "max_s": round(maximum / 1000, 3),
    }


def status() -> dict[str, Any]:
    """What the outbox holds (pending, failed, sent) and the lag: an indicator; and the same
    counts of the emails."""
    counts = {
        "pending": PortalOutbox.objects.filter(outbox.pending()).count(),
        "failed": PortalOutbox.objects.filter(failed_at__isnull=False).count(),
        "sent": PortalOutbox.objects.filter(sent_at__isnull=False).count(),
    }
    oldest = (
        PortalOutbox.objects.filter(outbox.pending())
        .order_by("id")
        .values_list("event_at", flat=True)
        .first()
    )
    emails = Notification.objects
    return {
        **counts,
        "portal": bool(settings.TINHGON_PORTAL_URL),
        "oldest_pending_at": oldest.isoformat() if oldest else None,
        "lag": lag(),
        # The emails' outbox beside it: failed ones are otherwise seen by nobody.
        "emails": {
            "pending": emails.filter(outbox.pending()).count(),
            "failed": emails.filter(failed_at__isnull=False).count(),
            "sent": emails.filter(sent_at__isnull=False).count(),
        },
    }

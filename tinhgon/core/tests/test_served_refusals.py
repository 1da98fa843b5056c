"""Refusals as the server `make run` starts delivers them (Django's development server, a real
socket): the test client skips the WSGI server, which once turned every 413 into a 500 (a
hop-by-hop header) and a multipart body without its boundary into a 500."""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tinhgon.browser import environment, serve


@pytest.fixture(scope="module")
def server(e2e_registry, tmp_path_factory) -> Iterator[tuple[str, str]]:
    data = tmp_path_factory.mktemp("served-refusals")
    with serve(e2e_registry, data) as address:
        token = subprocess.run(
            [sys.executable, "-m", "tinhgon.manage", "accounts", "token", "admin-son-la"],
            env=environment(data),
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        yield address, token


def _post(address: str, path: str, headers: dict[str, str], body: bytes = b""):  # type: ignore[no-untyped-def]
    location = urlsplit(address)
    connection = http.client.HTTPConnection(location.hostname or "", location.port, timeout=30)
    connection.putrequest("POST", path)
    for name, value in headers.items():
        connection.putheader(name, value)
    connection.endheaders()
    if body:
        connection.send(body)
    response = connection.getresponse()
    payload = response.read()
    connection.close()
    return response.status, response.getheader("Content-Type", ""), payload


def test_an_upload_over_the_limit_is_a_413_in_the_json_shape_from_the_real_server(server):
    address, token = server
    status, kind, payload = _post(
        address,
        "/api/plans/preview",
        {
            "Authorization": f"Bearer {token}",
            "Content-Type": "multipart/form-data; boundary=x",
            "Content-Length": str(50_000_000),  # declared, never sent: refused before reading
        },
    )
    assert status == 413, payload[:200]
    assert kind.startswith("application/json")
    assert json.loads(payload)["error"]["message"]


def test_a_multipart_body_without_its_boundary_is_a_400_in_vietnamese(server):
    address, token = server
    status, kind, payload = _post(
        address,
        "/api/plans/preview",
        {
            "Authorization": f"Bearer {token}",
            "Content-Type": "multipart/form-data",
            "Content-Length": "1",
            "Accept-Language": "vi",
        },
        b"x",
    )
    assert status == 400, payload[:200]
    assert kind.startswith("application/json")
    assert json.loads(payload)["error"]["code"] == "unreadable_body"


def test_a_page_form_without_its_security_token_is_refused_in_vietnamese(server):
    address, _token = server
    status, _kind, payload = _post(
        address,
        "/plans/",
        {"Content-Type": "application/x-www-form-urlencoded", "Content-Length": "1"},
        b"x",
    )
    assert status == 403
    text = payload.decode()
    assert "CSRF verification failed" not in text and 'lang="vi"' in text

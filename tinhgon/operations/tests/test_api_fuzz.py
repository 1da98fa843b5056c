"""The API against its own OpenAPI document: schemathesis generates requests from the schema
(valid and invalid), sends them to the application in-process with a provincial
administrator's bearer token, and checks that none is answered with a 5xx and that every answer
matches what the document declares (status codes, content types, response schemas). Bounded:
a fixed number of examples per operation, derandomized, so that CI runs the same cases each time.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.config import SchemathesisConfig

from tinhgon.wsgi import application

# Valid and invalid requests: what the schema forbids must be refused with a 4xx.
CONFIG = SchemathesisConfig.from_dict({"generation": {"mode": "all"}})
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application, config=CONFIG)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture
def token(province_admin) -> str:
    return province_admin.token


@pytest.fixture
def connection_kept():
    """The WSGI handler closes the database connection after each request; on PostgreSQL that
    is the test transaction's, and every request after the first answered 500. Django's test
    client keeps it open the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_every_generated_request_as_its_document_says(case, token, connection_kept):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)


def _resolve(document: dict, node: dict) -> dict:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = document["components"]["schemas"][name]
    return node


def _property(document: dict, schema_name: str, field: str) -> dict:
    node = document["components"]["schemas"][schema_name]["properties"][field]
    options = node.get("anyOf", [node])
    return _resolve(document, next(o for o in options if o.get("type") != "null"))


def test_the_openapi_document_says_which_codes_kinds_lengths_and_references_are_valid(client):
    document = client.get("/api/openapi.json").json()
    code = _property(document, "UnitCreateIn", "code")
    assert code["maxLength"] == 40 and code["pattern"].startswith("^")
    assert "commune" in _property(document, "UnitCreateIn", "kind")["enum"]
    assert _property(document, "UnitCreateIn", "name")["maxLength"] == 255
    assert _property(document, "UnitChangeIn", "reason")["maxLength"] == 255
    assert _property(document, "GroupDecisionIn", "to")["pattern"].startswith("^(?:new:")
    choices = document["components"]["schemas"]["DecisionsIn"]["properties"]["choices"]
    assert choices["maxProperties"] == 10_000
    preview = document["paths"]["/api/plans/{plan_id}/preview"]["get"]["parameters"]
    assert next(p for p in preview if p["name"] == "format")["schema"]["enum"] == ["json", "xlsx"]

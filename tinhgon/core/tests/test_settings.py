"""Production settings refuse to start insecurely."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def load_settings(code: str = "import tinhgon.settings", **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TINHGON_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


GOOD = {
    "TINHGON_ENV": "production",
    "TINHGON_SECRET_KEY": "x" * 60,
    "TINHGON_FIELD_KEY": "k" * 40,
    "TINHGON_ALLOWED_HOSTS": "tinhgon.sonla.gov.vn",
    "DATABASE_URL": "postgres://tinhgon@db/tinhgon",
}


def test_production_with_every_setting_starts():
    assert load_settings(**GOOD).returncode == 0


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("TINHGON_SECRET_KEY", "TINHGON_SECRET_KEY"),
        ("TINHGON_FIELD_KEY", "TINHGON_FIELD_KEY"),
        ("TINHGON_ALLOWED_HOSTS", "TINHGON_ALLOWED_HOSTS"),
        ("DATABASE_URL", "DATABASE_URL"),
    ],
)
def test_production_refuses_to_start_without(missing, message):
    env = {k: v for k, v in GOOD.items() if k != missing}
    result = load_settings(**env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_refuses_a_wildcard_host_a_short_key_and_debug():
    assert load_settings(**{**GOOD, "TINHGON_ALLOWED_HOSTS": "*"}).returncode != 0
    assert load_settings(**{**GOOD, "TINHGON_SECRET_KEY": "short"}).returncode != 0
    assert load_settings(**{**GOOD, "TINHGON_FIELD_KEY": "short"}).returncode != 0
    assert load_settings(**{**GOOD, "TINHGON_DEBUG": "1"}).returncode != 0


def test_production_passes_djangos_deployment_checklist():
    # A key of many different characters: Django warns about one like "xxxx...".
    key = "k7#Qm2-vR9!pLx4$Zt8@Wn3^Hy6&Bc1*Fd5(Gs0)Jq_Ue+Ia=Ko[Ml]No{Pr}St"
    result = load_settings(
        "import sys; from django.core.management import execute_from_command_line;"
        "execute_from_command_line(['tinhgon', 'check', '--deploy', '--fail-level', 'WARNING'])",
        **{**GOOD, "TINHGON_SECRET_KEY": key, "DJANGO_SETTINGS_MODULE": "tinhgon.settings"},
    )
    assert result.returncode == 0, result.stderr


def test_production_refuses_a_plain_http_trusted_origin():
    result = load_settings(
        **{**GOOD, "TINHGON_CSRF_TRUSTED_ORIGINS": "http://tinhgon.sonla.gov.vn"}
    )
    assert result.returncode != 0
    assert "TINHGON_CSRF_TRUSTED_ORIGINS" in result.stderr
    https = {**GOOD, "TINHGON_CSRF_TRUSTED_ORIGINS": "https://tinhgon.sonla.gov.vn"}
    assert load_settings(**https).returncode == 0


def test_production_sends_the_security_headers_and_throttles_logins():
    code = (
        "import tinhgon.settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        " s.SECURE_HSTS_SECONDS > 0, s.SECURE_CSP['frame-ancestors'] == ['\\'none\\''],"
        " 'axes.middleware.AxesMiddleware' in s.MIDDLEWARE)"
    )
    result = load_settings(code, **GOOD)
    assert result.stdout.split() == ["True"] * 6


def test_a_malformed_boolean_is_refused_rather_than_guessed():
    result = load_settings(TINHGON_DEBUG="maybe")
    assert result.returncode != 0
    assert "TINHGON_DEBUG" in result.stderr


def test_the_author_of_a_plan_approves_it_only_where_the_setting_turns_it_on():
    show = "import tinhgon.settings as s; print(s.TINHGON_PLAN_SELF_APPROVAL)"
    assert load_settings(show).stdout.strip() == "False"
    assert load_settings(show, TINHGON_PLAN_SELF_APPROVAL="yes").stdout.strip() == "True"
    result = load_settings(TINHGON_PLAN_SELF_APPROVAL="sometimes")
    assert result.returncode != 0
    assert "TINHGON_PLAN_SELF_APPROVAL" in result.stderr

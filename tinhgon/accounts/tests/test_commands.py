"""`tinhgon accounts`: passwords never on the command line and always validated (issue 7,
finding 5), tokens that expire and that are listed and revoked, all of it in Vietnamese."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from tinhgon.accounts import services as accounts
from tinhgon.accounts.models import ApiToken
from tinhgon.core.errors import DomainError

pytestmark = pytest.mark.django_db

GOOD = "a-long-command-password"


class Stdin(io.StringIO):
    def __init__(self, text: str, *, tty: bool = False) -> None:
        super().__init__(text)
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def run(*args: str, stdin: str | None = None, monkeypatch=None) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", Stdin(stdin))
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def add_user(*extra: str, stdin: str | None = None, monkeypatch=None) -> str:
    args = ("accounts", "add-user", "ops", "--unit", "Phường Chiềng An", "--role", "observer")
    return run(*args, *extra, stdin=stdin, monkeypatch=monkeypatch)[0]


def no_user() -> bool:
    return not get_user_model().objects.filter(username="ops").exists()


def test_a_password_on_the_command_line_is_refused_in_one_line():
    with pytest.raises(CommandError) as refused:
        add_user("--password", GOOD)
    assert "--password-stdin" in str(refused.value)
    assert "\n" not in str(refused.value)
    assert no_user()


def test_a_weak_password_from_stdin_is_refused_in_one_vietnamese_line(monkeypatch):
    with pytest.raises(CommandError) as refused:
        add_user("--password-stdin", stdin="1\n", monkeypatch=monkeypatch)
    message = str(refused.value)
    assert message.startswith("Mật khẩu bị từ chối")  # "The password was refused"
    assert "\n" not in message
    assert no_user()


@pytest.mark.parametrize("weak", ["password", "12345678901", "ops-ops"])
def test_every_password_validator_runs(monkeypatch, weak):
    with pytest.raises(CommandError):
        add_user("--password-stdin", stdin=weak + "\n", monkeypatch=monkeypatch)
    assert no_user()


def test_a_good_password_from_stdin_creates_a_user_who_can_log_in(monkeypatch):
    out = add_user("--password-stdin", stdin=GOOD + "\n", monkeypatch=monkeypatch)
    assert out.startswith("ops: Người xem (chỉ đọc) của Phường Chiềng An (")
    assert get_user_model().objects.get(username="ops").check_password(GOOD)


def test_the_prompt_asks_twice_and_refuses_two_different_passwords(monkeypatch):
    monkeypatch.setattr("sys.stdin", Stdin("", tty=True))
    answers = iter([GOOD, GOOD + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    with pytest.raises(CommandError, match="Hai mật khẩu khác nhau"):  # "differ"
        add_user()
    assert no_user()
    answers = iter([GOOD, GOOD])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    add_user()
    assert get_user_model().objects.get(username="ops").check_password(GOOD)


def test_without_a_terminal_the_command_asks_for_password_stdin(monkeypatch):
    with pytest.raises(CommandError, match="--password-stdin"):
        add_user(stdin="", monkeypatch=monkeypatch)
    assert no_user()


def test_an_api_only_user_has_no_usable_password():
    add_user("--no-password")
    assert not get_user_model().objects.get(username="ops").has_usable_password()


def test_the_service_validates_passwords_for_every_caller():
    with pytest.raises(DomainError, match="quá ngắn"):  # "too short"
        accounts.user_create(actor=None, username="someone", password="abc")


def test_token_prints_the_secret_alone_and_its_expiry_in_vietnamese():
    add_user("--no-password")
    out, err = run("accounts", "token", "ops", "--days", "30")
    assert re.fullmatch(r"tg_[A-Za-z0-9_-]{43}\n", out)
    token = ApiToken.objects.get(user__username="ops")
    assert 29 <= (token.expires_at - token.created_at).days <= 30
    assert re.search(r"có hiệu lực đến \d\d/\d\d/\d{4} \d\d:\d\d", err)  # "valid until"


def test_tokens_lists_name_prefix_dates_and_status_without_english():
    add_user("--no-password")
    user = get_user_model().objects.get(username="ops")
    kept, _secret = accounts.token_create(actor=None, user=user, name="báo cáo")
    gone, _secret = accounts.token_create(actor=None, user=user, name="cũ")
    accounts.token_revoke(actor=None, token=gone)
    out, _err = run("accounts", "tokens", "ops")
    assert kept.prefix in out and gone.prefix in out
    assert "báo cáo" in out and "đã thu hồi" in out and "còn hiệu lực" in out
    for english in ("name", "prefix", "created", "last used", "expires", "revoked", "active"):
        assert english not in out


def test_revoke_token_by_prefix_then_the_api_answers_401():
    add_user("--no-password")
    user = get_user_model().objects.get(username="ops")
    token, secret = accounts.token_create(actor=None, user=user, name="script")
    from django.test import Client

    headers = {"Authorization": f"Bearer {secret}"}
    assert Client().get("/api/accounts/me", headers=headers).status_code == 200
    out, _err = run("accounts", "revoke-token", token.prefix)
    assert out.startswith(f"Đã thu hồi mã {token.prefix}… của ops")
    assert Client().get("/api/accounts/me", headers=headers).status_code == 401


def test_revoke_token_of_an_unknown_prefix_is_one_line_and_exit_1():
    with pytest.raises(CommandError) as refused:
        run("accounts", "revoke-token", "tg_nothing")
    assert "tg_nothing" in str(refused.value) and "\n" not in str(refused.value)


def test_from_the_shell_a_password_argument_is_one_vietnamese_line_and_exit_1(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("TINHGON_", "DATABASE_URL"))}
    command = [sys.executable, "-m", "tinhgon.manage", "accounts", "add-user", "ops"]
    result = subprocess.run(
        [*command, "--unit", "Phường Chiềng An", "--role", "observer", "--password", "bi-mat-123"],
        env={
            **env,
            "TINHGON_DATA_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "tinhgon.settings",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Không nhận --password") and result.stderr.count("\n") == 1
    assert "bi-mat-123" not in result.stderr


@pytest.mark.parametrize(
    ("username", "said"),
    [
        ("", "The user name is required."),
        ("x" * 300, "at most 150 characters"),
        ("bad name/with spaces", "Enter a valid username"),
    ],
)
def test_the_service_refuses_a_user_name_the_login_would_not_take(username, said):
    from django.utils import translation

    with translation.override("en"), pytest.raises(DomainError, match=said) as refused:
        accounts.user_create(actor=None, username=username, password=None)
    assert refused.value.problems[0].field == "username"
    assert not get_user_model().objects.filter(username=username).exists()


def test_add_user_with_an_empty_name_is_one_line_and_exit_1(monkeypatch, capsys, chieng_an):
    from tinhgon.core.tests.cli import refused

    monkeypatch.setattr("sys.stdin", Stdin(GOOD + "\n"))
    line = refused(
        "accounts",
        "add-user",
        "",
        "--unit",
        chieng_an.code,
        "--role",
        "unit_official",
        "--password-stdin",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert "The user name is required." in line
    assert not get_user_model().objects.filter(username="").exists()

"""What the browser tests share: a national registry on a SQLite file (built once per test
session, copied for each module so that a module's writes stay its own), a server on it, Debian's
Chromium, the personas as accounts, an accessibility check with axe-core, and screenshots.

Only tests import this module (it imports Playwright, a development dependency).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PASSWORD = "a-long-browser-password"
DESKTOP: ViewportSize = {"width": 1366, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
# The narrowest phone the citizens' portal is made for.
SMALL_PHONE: ViewportSize = {"width": 360, "height": 740}
SIZES = {"desktop": DESKTOP, "phone": PHONE, "small-phone": SMALL_PHONE}
PROJECT = Path(__file__).resolve().parent.parent
# axe-core from the npm registry, installed by `make axe` (package.json); never from a CDN.
AXE = PROJECT / "node_modules" / "axe-core" / "axe.min.js"

# username -> (unit, role); superusers have no unit.
ACCOUNTS = {
    "admin-son-la": ("Sơn La", "province_admin"),
    "second-admin-son-la": ("Sơn La", "province_admin"),
    "chieng-an-official": ("Phường Chiềng An", "unit_official"),
    "chieng-an-observer": ("Phường Chiềng An", "observer"),
    "superuser": (None, None),
}

# Accounts through the services, not `accounts add-user`: no password on a command line.
_ACCOUNTS_SCRIPT = """
from django.utils import timezone
from tinhgon.accounts import services
from tinhgon.units import selectors
for username, (unit, role) in {accounts!r}.items():
    user = services.user_create(
        actor=None, username=username, password={password!r}, is_superuser=unit is None
    )
    if unit:
        version = selectors.resolve(unit, day=timezone.localdate())
        services.membership_add(actor=None, user=user, unit_id=version.unit_id, role=role)
"""


def environment(data: Path) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TINHGON_", "DATABASE_URL"))},
        "TINHGON_DATA_DIR": str(data),
        "TINHGON_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{data / 'e2e.sqlite3'}",
        # The application as it ships, not the test suite's settings (with its test-only app).
        "DJANGO_SETTINGS_MODULE": "tinhgon.settings",
    }


def tinhgon(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tinhgon.manage", *args], env=env, capture_output=True, text=True
    )
    if done.returncode:
        # The command's own words, not only its exit status, in the test's report.
        raise AssertionError(f"tinhgon {' '.join(args)}: exit {done.returncode}\n{done.stderr}")


def build_registry(data: Path) -> Path:
    """Set up a new machine the README's way (migrate, import the national units, generate Sơn
    La's apparatus) and add the accounts; returns the folder to copy."""
    env = environment(data)
    tinhgon(env, "migrate", "--no-input")
    tinhgon(env, "import-units")
    tinhgon(env, "generate-apparatus", "--province", "Sơn La")
    tinhgon(env, "shell", "-c", _ACCOUNTS_SCRIPT.format(accounts=ACCOUNTS, password=PASSWORD))
    return data


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serve(template: Path, data: Path) -> Iterator[str]:
    """A server on a copy of the registry in `template`; yields its address."""
    for item in template.iterdir():
        if item.is_file():
            shutil.copy2(item, data / item.name)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tinhgon.manage", "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=environment(data),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _attempt in range(200):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def launch(playwright) -> Browser:  # type: ignore[no-untyped-def]
    return playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
        ],
    )


# What Chromium reported as blocked by the Content-Security-Policy, per browser context.
_CSP_VIOLATIONS: dict[int, list[str]] = {}


def new_context(browser: Browser, size: str = "desktop") -> BrowserContext:
    """A Vietnamese browser window of that size, with axe-core ready in every page (injected
    through the DevTools protocol, so that the Content-Security-Policy does not block it), and
    every Content-Security-Policy violation that Chromium reports kept (`csp_violations`)."""
    context = browser.new_context(viewport=SIZES[size], locale="vi-VN")
    if AXE.exists():
        context.add_init_script(path=str(AXE))
    violations = _CSP_VIOLATIONS.setdefault(id(context), [])
    context.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return context


def csp_violations(page: Page) -> list[str]:
    """The Content-Security-Policy violations reported since the last call, for the page's
    context (an inline script or style, or anything from another site, that was blocked)."""
    violations = _CSP_VIOLATIONS.setdefault(id(page.context), [])
    reported, violations[:] = list(violations), []
    return reported


def log_in(page: Page, server: str, username: str) -> None:
    page.goto(server + "/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page, one line each (empty: none)."""
    if not AXE.exists():
        raise RuntimeError(f"{AXE} is missing: run `make axe` (make test does).")
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => v.id + ': ' + v.help + ' @ ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))"
    )
    return list(result)


def horizontal_overflow(page: Page) -> int:
    """How many pixels the page is wider than the window (0: no sideways scrolling)."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def small_tap_targets(page: Page, minimum: int = 44) -> list[str]:
    """Buttons, form fields and menu links smaller than `minimum` px either way (links inside
    text are exempt, as WCAG exempts them)."""
    return list(
        page.evaluate(
            """(minimum) => [...document.querySelectorAll(
                'button, input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select, '
                + 'summary, .btn, .site-nav a, .pager a, .crumbs a')]
              .filter(e => e.offsetParent !== null)
              .map(e => [e, e.getBoundingClientRect()])
              .filter(([e, r]) => r.width < minimum || r.height < minimum)
              .map(([e, r]) => e.outerHTML.slice(0, 80) + ' ' + Math.round(r.width) + 'x' + Math.round(r.height))""",
            minimum,
        )
    )


def page_problems(page: Page, where: str) -> list[str]:
    """What the page tests refuse on every page, each named by `where`: serious accessibility
    violations (axe), CSP violations, sideways scrolling, tap targets smaller than 44 px."""
    problems = [f"{where}: {v}" for v in serious_violations(page)]
    problems += [f"{where}: {v}" for v in csp_violations(page)]
    if overflow := horizontal_overflow(page):
        problems.append(f"{where}: {overflow}px wider than the window")
    problems += [f"{where}: tap target {t}" for t in small_tap_targets(page)]
    return problems


def screenshot(page: Page, name: str, folder: Path) -> Path:
    """A full-page PNG; `make screens` points `folder` at docs/screens."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def screens_folder(fallback: Path) -> Path:
    """docs/screens when `make screens` runs the tests (TINHGON_SCREENS), else a temporary one."""
    return Path(os.environ["TINHGON_SCREENS"]) if os.environ.get("TINHGON_SCREENS") else fallback

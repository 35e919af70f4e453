"""Real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright.

Playwright's browser download is never used: agencies run closed networks and so do we.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("VANTHU_CHROMIUM", "/usr/bin/chromium")


# Module scope, not session: Playwright's sync API keeps an asyncio loop running in this
# thread while it is open, and pyHanko's synchronous calls (asyncio.run) fail inside one.
@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium is required in CI and was not found at {CHROMIUM}")
        pytest.skip("chromium is not installed (run ./run.sh test as root to install it)")
    # The live server runs in a thread of this process while Playwright's sync API keeps an
    # event loop in the test thread; Django's guard against ORM calls from async code would
    # otherwise fire on the test's own setup queries.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-dev-shm-usage",
            ],
        )
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def screenshot_dir():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(45_000)
    yield page
    context.close()


def has_chromium() -> bool:
    return Path(CHROMIUM).exists() or shutil.which("chromium") is not None

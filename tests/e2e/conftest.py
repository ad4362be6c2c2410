"""Real-browser fixtures: Debian's Chromium driven by Playwright, `data-test-id` as the test id attribute."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"



def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


# Package scope: Playwright's sync API marks its event loop as running in this thread while it is open,
# which would stop pytest-asyncio tests that run after the browser tests (tests/ui_dashboard).
@pytest.fixture(scope="package")
def playwright_instance():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        p.selectors.set_test_id_attribute("data-test-id")
        yield p


@pytest.fixture(scope="package")
def browser(playwright_instance):
    b = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
    yield b
    b.close()


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(15000)
    yield ctx
    ctx.close()


@pytest.fixture(autouse=True, scope="package")
def _assertion_timeout():
    """expect() waits 10 s, not 5: the suites share 2 cores with a second test run."""
    from playwright.sync_api import expect

    expect.set_options(timeout=10_000)


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def mobile_page(browser):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    ctx.set_default_timeout(15000)
    yield ctx.new_page()
    ctx.close()


@pytest.fixture(scope="session")
def shoot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _shoot(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shoot

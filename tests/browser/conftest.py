"""Headless Chromium (the system's, driven by Playwright) against the local origin in `harness`.

Every test here is marked `browser`: `make test-browser` runs them (after `make browser-deps`),
`pytest -m "not browser"` leaves them out. Without Chromium, ffmpeg or Playwright they skip
saying what to install.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.browser import harness, media

# Waits check the page every 100 ms: Playwright's default checks on every animation frame, which
# keeps Chromium drawing 60 frames a second for the whole wait (some wait 10-20 s).
POLL_MS = 100
INSTALL_HINT = "run `make browser-deps` (Chromium from apt as root or `playwright install chromium`; ffmpeg or imageio-ffmpeg)"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.browser)
    # A `long_wait` test waits on the player's own timers for half a minute. On pytest-xdist workers
    # (`make test-browser`, `--dist worksteal`) it starts first on one while the other worker takes
    # the rest; in one process its scenario plays in the background from the first test on and the
    # test itself runs last, checking what happened.
    items.sort(key=lambda item: (item.get_closest_marker("long_wait") is None) != one_process(config))


def one_process(config: pytest.Config) -> bool:
    """True unless this is a pytest-xdist worker (`-n 0` and no xdist: one process runs every test)."""
    return not hasattr(config, "workerinput")


@pytest.fixture(scope="session")
def ffmpeg() -> str:
    found = media.ffmpeg_exe()
    if not found:
        pytest.skip(f"no ffmpeg: {INSTALL_HINT}")
    return found


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip(f"no Playwright: {INSTALL_HINT}")
    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(executable_path=harness.CHROMIUM, args=harness.CHROMIUM_FLAGS)
        except PlaywrightError as error:
            pytest.skip(f"no usable Chromium ({harness.CHROMIUM or 'Playwright download'}): {INSTALL_HINT}\n{error}")
        yield chromium
        chromium.close()


@dataclass
class Viewer:
    """One page plus the console and page errors it reported (its CSP violations: `csp_violations`)."""

    page: Any
    response: Any = None
    errors: list[str] = field(default_factory=list)

    def status(self) -> str:
        return str(self.page.get_attribute("#status", "data-state"))

    def wait_until(self, expression: str, timeout_s: float = 30, arg: Any = None) -> None:
        """Until the page's JavaScript `expression` is truthy, checked every POLL_MS."""
        self.page.wait_for_function(expression, arg=arg, timeout=timeout_s * 1000, polling=POLL_MS)

    def wait_for_status(self, state: str, timeout_s: float) -> None:
        self.wait_until("s => document.querySelector('#status').dataset.state === s", timeout_s, arg=state)

    def video(self) -> dict[str, Any]:
        return dict(
            self.page.evaluate(
                "() => { const v = document.querySelector('video');"
                " return {time: v.currentTime, width: v.videoWidth, height: v.videoHeight, paused: v.paused}; }"
            )
        )

    def behind_live(self) -> float | None:
        value = self.page.get_attribute("#behind", "data-seconds")
        return float(value) if value else None


CSP_SPY = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
"""


def new_viewer(browser: Any, *, viewport: dict[str, int] | None = None, permissions: list[str] | None = None) -> Viewer:
    """A page in a context of its own (1280x800 unless told), recording console errors, page errors and CSP violations."""
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 800}, permissions=permissions or [])
    page = context.new_page()
    viewer = Viewer(page)
    page.add_init_script(CSP_SPY)
    page.on("console", lambda message: viewer.errors.extend([message.text] if message.type == "error" else []))
    page.on("pageerror", lambda error: viewer.errors.append(str(error)))
    return viewer


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    viewers: list[Viewer] = []

    def opener(url: str, *, viewport: dict[str, int] | None = None, permissions: list[str] | None = None) -> Viewer:
        viewer = new_viewer(browser, viewport=viewport, permissions=permissions)
        viewers.append(viewer)
        viewer.response = viewer.page.goto(url)
        return viewer

    yield opener
    for viewer in viewers:
        viewer.page.context.close()


NOT_FOUND = "the server responded with a status of 404"


def unexpected(errors: list[str]) -> list[str]:
    """Console errors other than the browser's own line for a 404 the test caused on purpose."""
    return [e for e in errors if NOT_FOUND not in e]


def csp_violations(viewer: Viewer) -> list[str]:
    return list(viewer.page.evaluate("() => window.__violations"))


def write_recordings(root: Path, recordings: list[dict[str, Any]] | None, *, raw: str | None = None) -> None:
    """recordings.json as the indexer writes it (None: no file at all; raw: exact bytes, e.g. corrupt)."""
    path = root / "recordings.json"
    if raw is not None:
        path.write_text(raw)
    elif recordings is None:
        path.unlink(missing_ok=True)
    else:
        path.write_text(json.dumps({"recordings": recordings}))

"""Browser tests: the platform served by uvicorn on a free port, driven by Debian's
Chromium through Playwright (never a downloaded browser), with axe-core on every page.

Skipped with a reason when /usr/bin/chromium is missing, unless CI=true (then they fail).
Screenshots go to test-artifacts/browser/ (git-ignored).
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("NOABER_CHROMIUM", "/usr/bin/chromium"))
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_chromium() -> Path:
    problem = None
    if not CHROMIUM.exists():
        problem = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError as exc:  # pragma: no cover - it is a test dependency
            problem = f"the playwright package is not installed: {exc}"
    if problem:
        if _in_ci():
            pytest.fail(problem, pytrace=False)
        pytest.skip(problem)
    return CHROMIUM


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    port: int
    platform: Any

    def url(self, slug: str, path: str = "/") -> str:
        label = self.platform.municipalities[slug].config.host_label()
        return f"http://{label}.localhost:{self.port}{path}"


@pytest.fixture
def live_server(make_platform: Callable[..., Any]) -> Iterator[LiveServer]:
    import uvicorn

    from noaber.web.app import create_app

    platform = make_platform(registry_refresh_seconds=0, rate_limit_per_minute=0)
    port = free_port()
    config = uvicorn.Config(
        create_app(platform), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield LiveServer(port, platform)
    server.should_exit = True
    thread.join(timeout=10)


@dataclass
class AxeReport:
    """axe-core results per page, printed at the end of a test."""

    pages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def check(self, page: Any, name: str) -> None:
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
            WCAG_TAGS,
        )
        violations = [
            {
                "id": v["id"],
                "impact": v.get("impact"),
                "help": v["help"],
                "targets": [n["target"] for n in v["nodes"]][:5],
            }
            for v in result["violations"]
        ]
        self.pages[f"{name} ({page.url})"] = violations
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    @property
    def violations(self) -> int:
        return sum(len(v) for v in self.pages.values())

    def summary(self) -> str:
        lines = [
            f"axe-core ({', '.join(WCAG_TAGS)}): {len(self.pages)} pages checked, {self.violations} violations"
        ]
        for name, found in self.pages.items():
            lines.append(f"  {name}: {len(found)}")
            lines.extend(f"    {json.dumps(v, ensure_ascii=False)}" for v in found)
        return "\n".join(lines)


@pytest.fixture
def browser_page() -> Iterator[Any]:
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(accept_downloads=True, locale="nl-NL")
        page = context.new_page()
        page.set_default_timeout(15000)
        yield page
        context.close()
        browser.close()


@pytest.fixture
def axe() -> AxeReport:
    return AxeReport()

"""Browser-test harness: Playwright driving Debian's Chromium against a live server.

Every page a test opens is checked, when it loads and again at the end of the test:
- axe-core (vendored in tests/browser/vendor) finds no serious or critical violation;
- the browser console shows no error (a CSP violation is one);
- nothing is requested from outside the live server.
A failing test leaves a screenshot in test-results/.

Under pytest-xdist (`make test`) each worker has its own Chromium and live server (both
session-scoped, so per worker) on its own test database.

Chromium missing: the tests skip locally, but fail when CAREERPATH_REQUIRE_BROWSER=1
(set by .ci/run) so CI never passes without running them.
"""

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop shares the thread

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
REQUIRE_BROWSER = os.environ.get("CAREERPATH_REQUIRE_BROWSER", "") == "1"
AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
RESULTS = Path(__file__).resolve().parents[2] / "test-results"
BLOCKING_IMPACTS = ("serious", "critical")

# Runs in every page before its own scripts: once the page has loaded, axe checks it
# and reports serious and critical violations back to Python.
AXE_ON_LOAD = """
// axe runs one check at a time, so every check joins one queue: the one made when the
// page loads and the one made at the end of the test (check_accessibility).
window.__careerpathAxeQueue = Promise.resolve();
window.__careerpathCheck = (label) => {
  window.__careerpathAxeQueue = window.__careerpathAxeQueue.then(async () => {
    const r = await axe.run(document, {resultTypes: ["violations"]});
    const bad = r.violations.filter((v) => IMPACTS.includes(v.impact));
    await window.__careerpathAxe(label, JSON.stringify(bad.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
    }))));
  });
  return window.__careerpathAxeQueue;
};
window.addEventListener("load", () => window.__careerpathCheck(location.href));
""".replace("IMPACTS", json.dumps(list(BLOCKING_IMPACTS)))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session", autouse=True)
def flush_with_delete() -> Iterator[None]:
    """After each browser test pytest-django empties every table (`flush`). On PostgreSQL
    Django does that with TRUNCATE, which waits on the disk for each table's new files
    (about a second a test here); deleting the few rows a test wrote does not. Django
    makes foreign keys deferrable, so they are checked at the end of flush's transaction."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or not tables:
            return truncate(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        # Table names come from the models, quoted.
        deletes = [f"DELETE FROM {self.quote_name(table)};" for table in tables]  # noqa: S608
        return ["SET CONSTRAINTS ALL DEFERRED;", *deletes]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", sql_flush)
        yield


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if REQUIRE_BROWSER:
            pytest.fail(message + "; browser tests are required here.", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


class PageProblems:
    """What the harness saw go wrong on the pages of one test."""

    def __init__(self, server_url: str) -> None:
        self.server_url = server_url
        self.console_errors: list[str] = []
        self.outside_requests: list[str] = []
        self.a11y: dict[str, list[dict]] = {}

    def on_console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def on_request(self, request) -> None:
        url = request.url
        if not (url.startswith(self.server_url) or url.startswith(("data:", "about:"))):
            self.outside_requests.append(url)

    def on_axe(self, url: str, violations: str) -> None:
        found = json.loads(violations)
        if found:
            self.a11y[url] = found

    def summary(self) -> list[str]:
        lines = [f"console error: {text}" for text in self.console_errors]
        lines += [f"request outside the server: {url}" for url in self.outside_requests]
        for url, violations in self.a11y.items():
            for v in violations:
                lines.append(f"axe {v['impact']} {v['id']} on {url}: {v['help']} {v['nodes']}")
        return lines


@pytest.fixture
def page(browser, live_server, transactional_db, request) -> Iterator:
    """A fresh browser page on the live server; fails the test on any harness problem."""
    problems = PageProblems(live_server.url)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.add_init_script(path=str(AXE_JS))
    context.add_init_script(script=AXE_ON_LOAD)
    context.expose_function("__careerpathAxe", problems.on_axe)
    page = context.new_page()
    page.on("console", problems.on_console)
    page.on("pageerror", lambda error: problems.console_errors.append(str(error)))
    page.on("request", problems.on_request)
    page.problems = problems
    yield page

    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        RESULTS.mkdir(exist_ok=True)
        page.screenshot(path=str(RESULTS / f"{request.node.name}.png"), full_page=True)
    else:
        # The last page may have changed since it loaded (htmx swaps): check it again.
        if page.url.startswith(live_server.url):
            check_accessibility(page)
    context.close()
    if failed is not None and not failed.failed:
        lines = problems.summary()
        if lines:
            pytest.fail("Browser harness found problems:\n" + "\n".join(lines), pytrace=False)


def check_accessibility(page) -> None:
    """Run axe-core on the page as it is now; record serious and critical violations."""
    page.evaluate('() => window.__careerpathCheck(location.href + " (at the end of the test)")')

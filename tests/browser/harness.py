"""Drive the real app: `streamlit run` on loopback, and Debian's Chromium through Playwright.

Shared by the browser tests and by ``benchmarks/screening.py``. Playwright's own browser download
is never used (`playwright install` fails without the internet): ``bash scripts/setup --browser``
installs Debian's chromium, which PyPI's playwright drives through ``executable_path``.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MISSING_CHROMIUM = (
    f"{CHROMIUM} is missing: the browser tests drive Debian's chromium. "
    "Run `bash scripts/setup --browser` (apt-get install chromium; never `playwright install`)."
)
STAGE = "title_abstract"
NOTHING_LEFT = "Nothing left to screen at this stage."
PASSWORDS = {"ann": "ann-password", "bob": "bob-password", "lee": "lee-password"}
ROLES = {"ann": "reviewer", "bob": "reviewer", "lee": "lead"}


# -- the review database, built with the library ---------------------------------------------------


def build_review(
    path: Path,
    titles: Iterable[str],
    *,
    abstracts: Iterable[str] | None = None,
    accounts: bool = False,
    dual: bool = False,
) -> Path:
    """A review of one record per title (ids 1..n in order); with accounts ann, bob and lee."""
    from review.records import AbstractSection, Author, Record
    from review.screening.decisions import save_settings
    from review.screening.model import Reviewer, Settings
    from review.screening.reviewers import add_reviewer
    from review.store import open_store

    titles = list(titles)
    abstracts = list(abstracts) if abstracts is not None else [f"Abstract of {t}" for t in titles]
    records = [
        (
            str(i),
            Record(
                title=title,
                abstract_sections=(AbstractSection(abstract),),
                authors=(Author("Smith", "Jane", "J"),),
                raw=str(i),
            ),
        )
        for i, (title, abstract) in enumerate(zip(titles, abstracts, strict=True), start=1)
    ]
    with open_store(path) as store:
        store.add_records("test", records)
        lead = "reviewer"
        if accounts:
            owner = Reviewer("owner", "lead")  # the file's owner, as on the command line
            for name, password in PASSWORDS.items():
                add_reviewer(store, name, ROLES[name], password, by=owner)
            lead = "lee"
        settings = Settings(dual=dual, include_terms=("cryoablation",), exclude_terms=("rat",))
        save_settings(store, settings, Reviewer(lead, "lead"))
    return path


# -- the server ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.read().decode().strip() == "ok"
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def serve(db: Path, *, timeout: float = 30.0) -> Iterator[str]:
    """Serve the review at ``db`` with ``streamlit run app.py``; yields the base URL."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
    ]
    env = {**os.environ, "REVIEW_DB": str(db)}
    with running(command, f"http://127.0.0.1:{port}", timeout=timeout, cwd=ROOT, env=env) as base:
        yield base


@contextmanager
def running(command: list[str], base: str, *, timeout: float = 30.0, **popen) -> Iterator[str]:
    """Run a Streamlit server until it answers ``/_stcore/health`` at ``base``; yields ``base``
    and stops the server after. Its output is said only when it does not come up."""
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, **popen)
        try:
            deadline = time.monotonic() + timeout
            while not healthy(f"{base}/_stcore/health"):
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    output = log.read().decode(errors="replace")[-3000:]
                    raise RuntimeError(f"{command[0]} did not come up on {base}:\n{output}")
                time.sleep(0.1)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# -- the browser -----------------------------------------------------------------------------------


def launch(playwright):
    if not CHROMIUM.exists():
        raise RuntimeError(MISSING_CHROMIUM)
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def main_area(page):
    return page.locator('[data-testid="stMain"]')


def current_elements(page):
    """The main area's elements of the latest script run.

    While a rerun is drawing, Streamlit keeps the previous run's elements on screen marked
    ``data-stale="true"``; when a message pushes the layout down, the old and the new copy of a
    button are both there for a moment, and a locator that does not skip the old one matches two.
    """
    return main_area(page).locator('[data-testid="stElementContainer"]:not([data-stale="true"])')


def button(page, label: str):
    """A button of the page's main area by its label (a shortcut badge may follow the label)."""
    name = re.compile(rf"^\s*{re.escape(label)}(\s|$)")
    return current_elements(page).get_by_role("button", name=name)


def wait_idle(page) -> None:
    """Until the app's script run has finished (Streamlit marks its root element)."""
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for()


def sign_in(page, name: str, password: str | None = None, role: str | None = None) -> None:
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Password", exact=True).fill(password or PASSWORDS[name])
    page.get_by_role("button", name="Sign in").click()
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text(f"Signed in as {name} ({role or ROLES[name]})").wait_for()
    sidebar.get_by_role("button", name="Sign out").wait_for()
    wait_idle(page)


def shown_record(page) -> int:
    """The record the Screen page shows, once the page is ready for a decision on it.

    Streamlit loads each widget's code on first use: until the Include button is drawn its
    keyboard shortcut is not bound, and a key pressed before then is lost.
    """
    title = page.locator("h3.record-title")
    title.wait_for()
    button(page, "Include").wait_for()
    wait_idle(page)
    return int(title.get_attribute("data-record-id"))


def after(page, previous: int) -> int | None:
    """Wait for the Screen page to move on from ``previous``: the next record, or None when done."""
    moved = page.locator(f'h3.record-title:not([data-record-id="{previous}"])')
    done = main_area(page).get_by_text(NOTHING_LEFT)
    moved.or_(done).first.wait_for()
    if moved.count():
        return shown_record(page)
    wait_idle(page)
    return None


def click_decision(page, label: str) -> int | None:
    """Click a decision button on the Screen page; returns the record shown next."""
    previous = shown_record(page)
    button(page, label).click()
    return after(page, previous)


def go_to(page, title: str) -> None:
    """Open a page through the sidebar navigation and wait for its heading."""
    nav = page.locator('[data-testid="stSidebarNav"]')
    nav.get_by_role("link", name=title, exact=True).click()
    main_area(page).get_by_role("heading", name=title, exact=True).wait_for()
    wait_idle(page)

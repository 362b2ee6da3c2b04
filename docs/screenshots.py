"""Screenshots of the app's main pages on the demo review, for the README, from a real browser.

Run from the repository root: ``.venv/bin/python docs/screenshots.py [--out docs/screenshots]``.

Builds the demo review (``review.demo``) in a temporary folder, never the user's own, serves it
as ``review app`` does (the installed entry script and the same server flags: what a user sees)
and drives Debian's Chromium through Playwright, as the browser tests do (``bash scripts/setup
--browser`` installs both). It signs in as the demo's lead and saves each page at 1280x800 as
PNG: the sign-in page, then Overview, Screen, Conflicts, Records, Extraction and Report, each
opened through the sidebar. ``tests/browser/test_screenshots.py`` runs it, so CI does too.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from review.cli.app import ENTRY, server_command  # noqa: E402
from review.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, ensure_demo  # noqa: E402
from tests.browser.harness import (  # noqa: E402
    free_port,
    go_to,
    launch,
    main_area,
    running,
    sign_in,
    wait_idle,
)

VIEWPORT = {"width": 1280, "height": 800}
PAGES = ("Overview", "Screen", "Conflicts", "Records", "Extraction", "Report")
SETTLE_MS = 1500  # charts and the PRISMA diagram draw after the script run ends
TIMEOUT_MS = 30_000
RANKING_WAIT = "Ranking is being prepared"


def served(db: Path, timeout: float = 60.0):
    """The app on ``db`` as `review app DB` starts it; yields the base URL."""
    port = free_port()
    command = server_command(str(ENTRY), "127.0.0.1", port)
    env = {**os.environ, "REVIEW_DB": str(db)}
    return running(command, f"http://127.0.0.1:{port}", timeout=timeout, env=env)


def ranked(page, tries: int = 15) -> None:
    """Open Screen again until the ranking (trained in a worker process) is ready, so the page
    shows what a reviewer sees once it is; the page itself does not redraw when it arrives."""
    waiting = main_area(page).get_by_text(RANKING_WAIT)
    for _ in range(tries):
        if not waiting.count():
            return
        page.wait_for_timeout(2000)
        go_to(page, "Overview")
        go_to(page, "Screen")


def file_name(title: str) -> str:
    return title.lower().replace(" ", "-") + ".png"


def take(page, path: Path) -> None:
    """The viewport as PNG in 256 colours: a third of the bytes, no difference to see in text and
    flat widgets (the README carries these files)."""
    from PIL import Image

    wait_idle(page)
    page.wait_for_timeout(SETTLE_MS)
    wait_idle(page)
    page.screenshot(path=str(path), animations="disabled", caret="hide")
    with Image.open(path) as shot:
        fewer = shot.convert("RGB").quantize(
            256, Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
    fewer.save(path, optimize=True)


def screenshots(out: Path) -> list[Path]:
    """Write the PNGs into ``out``; returns their paths, the sign-in page first."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    lead = next(name for name, role in DEMO_ACCOUNTS if role == "lead")
    written = []
    with tempfile.TemporaryDirectory() as folder:
        db = ensure_demo(Path(folder) / "demo-review.db")
        with served(db) as base, sync_playwright() as playwright:
            browser = launch(playwright)
            context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
            context.set_default_timeout(TIMEOUT_MS)
            page = context.new_page()
            page.goto(base)
            main_area(page).get_by_role("heading", name="Sign in").wait_for()
            written.append(out / "sign-in.png")
            take(page, written[-1])
            sign_in(page, lead, DEMO_PASSWORD, "lead")
            for title in PAGES:
                go_to(page, title)
                if title == "Screen":
                    ranked(page)
                written.append(out / file_name(title))
                take(page, written[-1])
            browser.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    for path in screenshots(args.out):
        print(f"{path} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()

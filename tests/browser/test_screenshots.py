"""The README's screenshots are made by ``docs/screenshots.py`` in a real browser (issue 16): run
here as the lead would run it, into a temporary folder, so CI runs it too."""

from __future__ import annotations

import subprocess
import sys

import pytest
from PIL import Image

from tests.browser.harness import ROOT

pytestmark = pytest.mark.browser

SHOTS = ["sign-in", "overview", "screen", "conflicts", "records", "extraction", "report"]


def test_the_screenshot_script_saves_each_main_page(tmp_path):
    script = ROOT / "docs" / "screenshots.py"
    done = subprocess.run(
        [sys.executable, str(script), "--out", str(tmp_path / "shots")],
        cwd=tmp_path,  # not the checkout: the script finds its way
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(p.stem for p in (tmp_path / "shots").iterdir()) == sorted(SHOTS)
    assert list(tmp_path.iterdir()) == [tmp_path / "shots"]  # the demo was built elsewhere
    for name in SHOTS:
        with Image.open(tmp_path / "shots" / f"{name}.png") as image:
            assert image.format == "PNG" and image.size == (1280, 800), name
            pixels = image.convert("RGB")
            colours = pixels.getcolors(maxcolors=1280 * 800)
            assert colours is not None
            commonest = max(count for count, _ in colours)
            # Not blank: text and widgets drawn, the background well under the whole picture.
            assert len(colours) > 50 and commonest < 0.95 * 1280 * 800, name

"""The app server's settings that keep a screening decision quick (benchmarks/screening.py)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_no_full_garbage_collection_after_every_script_run():
    """Streamlit's post-run gc.collect(2) was most of the server's CPU per decision: off for
    `streamlit run app.py` (config.toml) and for `review app` (flags)."""
    from review.cli.app import SERVER_OPTIONS, server_command

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["runner"]["postScriptGC"] is False
    command = server_command("entry.py", "127.0.0.1", 8501)
    assert command[command.index("--runner.postScriptGC") + 1] == "false"
    assert SERVER_OPTIONS["runner.postScriptGC"] == "false"

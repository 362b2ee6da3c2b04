"""`review app`: serve a review in the browser (Streamlit), on loopback until accounts exist."""

from __future__ import annotations

import ipaddress
import os
import sys
from importlib.resources import files
from pathlib import Path

import click

from review.cli.options import JSON, echo_json, settings
from review.demo import ensure_demo
from review.errors import ReviewError
from review.screening.reviewers import active_reviewers
from review.store import open_store

# The script the server runs, inside the package: the same file from a checkout or a wheel (pip
# installs a wheel as files, so this is a path Streamlit can open).
ENTRY = files("review.ui") / "entry.py"
# The server's settings, given as flags: flags override every config.toml (the user's, the working
# folder's), and an installed package has no .streamlit/ beside its script. A checkout's
# .streamlit/config.toml says the same for `streamlit run app.py` (tests/test_downloads.py).
SERVER_OPTIONS = {
    "server.headless": "true",
    "browser.gatherUsageStats": "false",
    "client.toolbarMode": "minimal",
    # The tables' own CSV download and copy would hand out record text unneutralised; the pages
    # offer review.exports' neutralised files instead.
    "client.disableDataExport": "true",
    # A full garbage collection after every script run cost most of a screening decision's
    # server time (.streamlit/config.toml says more).
    "runner.postScriptGC": "false",
}


def server_command(entry: str, host: str, port: int) -> list[str]:
    """``streamlit run`` of the entry script with the app's settings."""
    flags = [part for key, value in SERVER_OPTIONS.items() for part in (f"--{key}", value)]
    return [
        sys.executable, "-m", "streamlit", "run", entry, *flags,
        "--server.address", host, "--server.port", str(port),
    ]  # fmt: skip


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this computer only (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@click.command("app")
@click.argument("db", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8501, show_default=True)
@JSON
def app_command(db: Path | None, host: str, port: int, as_json: bool) -> None:
    """Open the review in the browser app (the bundled demo review when DB is not given)."""
    db = db or ensure_demo(settings().demo_db)
    with open_store(db) as store:  # create or migrate before the app's threads start
        shared = bool(active_reviewers(store))
    if not shared and not is_loopback(host):
        raise ReviewError(
            f"{db} has no reviewer accounts, so the app would let anyone who reaches "
            f"{host}:{port} act as the review's lead. It listens on loopback only (leave out "
            f"--host) until accounts exist: add a lead first with "
            f"'review reviewer add {db} NAME --role lead', then reviewers."
        )
    command = server_command(str(ENTRY), host, port)
    if as_json:  # before the server starts: a script learns where to find it
        echo_json({"db": str(db), "url": f"http://{host}:{port}/"})
        sys.stdout.flush()
        os.dup2(2, 1)  # the server's own lines go to stderr; stdout ends with the JSON
    else:
        click.echo(f"Serving {db} on http://{host}:{port}/", err=True)
    # The server reads its settings itself (review/ui/state.py): it gets this environment, with
    # REVIEW_DB naming the review.
    env = {**os.environ, "REVIEW_DB": str(db.resolve())}
    os.execve(sys.executable, command, env)  # become the server: signals reach it directly

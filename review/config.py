"""Settings from the environment, read in one place.

Only the edges read them: the `review` command when a command starts, the app's state module on
each run of a page, the benchmarks. They pass what a library function needs down as parameters,
so library modules never look at the environment and a test or another program sets everything
by argument. Every variable is in the README's Configuration table.
"""

from __future__ import annotations

import os
import pwd
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from review.errors import ConfigError

NCBI_BASE = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
FALLBACK_USER = "owner"  # who acts when no login name can be found
PROGRESS_DELAY = 2.0  # seconds a terminal stays silent before the command draws a step's bar


@dataclass(frozen=True)
class Config:
    review_db: Path | None  # REVIEW_DB: the review the app serves (None: the demo review)
    demo_db: Path  # REVIEW_DEMO_DB, else demo-review.db in the per-user data folder
    user: str  # REVIEW_USER, else the login name: the default of every --by
    eutils_url: str  # REVIEW_EUTILS_URL, ending in "/"
    ncbi_api_key: str  # NCBI_API_KEY
    ncbi_email: str  # NCBI_EMAIL
    eutils_timeout: float | None  # REVIEW_EUTILS_TIMEOUT (None: the client's own default)
    eutils_attempts: int | None  # REVIEW_EUTILS_ATTEMPTS
    eutils_backoff: float | None  # REVIEW_EUTILS_BACKOFF
    parse_processes: int | None  # REVIEW_PARSE_PROCESSES (None: chosen by harvest size)
    rate_dir: Path  # REVIEW_RATE_DIR, else $XDG_CACHE_HOME/review/ratelimit
    progress_delay: float = PROGRESS_DELAY  # REVIEW_PROGRESS_DELAY: silence before a bar shows


def read_config(environ: Mapping[str, str] | None = None) -> Config:
    """The settings as the environment (``os.environ`` unless given) says now.

    A number that does not parse is a ConfigError naming the variable, raised here rather than
    in the middle of a harvest.
    """
    env = os.environ if environ is None else environ
    base = env.get("REVIEW_EUTILS_URL") or NCBI_BASE
    cache = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Config(
        review_db=Path(env["REVIEW_DB"]) if env.get("REVIEW_DB") else None,
        demo_db=Path(env.get("REVIEW_DEMO_DB") or data_dir(env) / "demo-review.db"),
        user=_user(env),
        eutils_url=base if base.endswith("/") else base + "/",
        ncbi_api_key=env.get("NCBI_API_KEY", ""),
        ncbi_email=env.get("NCBI_EMAIL", ""),
        eutils_timeout=_number(env, "REVIEW_EUTILS_TIMEOUT", float),
        eutils_attempts=_number(env, "REVIEW_EUTILS_ATTEMPTS", int),
        eutils_backoff=_number(env, "REVIEW_EUTILS_BACKOFF", float),
        parse_processes=_number(env, "REVIEW_PARSE_PROCESSES", int),
        rate_dir=Path(env.get("REVIEW_RATE_DIR") or Path(cache) / "review" / "ratelimit"),
        progress_delay=_delay(env),
    )


def data_dir(env: Mapping[str, str], platform: str = sys.platform) -> Path:
    """The per-user folder for the toolkit's own files (the demo review), as each system keeps
    them: $XDG_DATA_HOME/review (~/.local/share/review) on Linux and other Unixes, ~/Library/
    Application Support/review on macOS, %LOCALAPPDATA%\\review on Windows. A few lines rather
    than the platformdirs dependency, for the one folder the toolkit needs."""
    home = Path(env["HOME"]) if env.get("HOME") else Path.home()
    if platform == "win32":
        local = env.get("LOCALAPPDATA")
        return (Path(local) if local else home / "AppData" / "Local") / "review"
    if platform == "darwin":
        return home / "Library" / "Application Support" / "review"
    xdg = env.get("XDG_DATA_HOME", "")
    # The XDG spec: a relative path is invalid and ignored.
    return (Path(xdg) if os.path.isabs(xdg) else home / ".local" / "share") / "review"


def _number(env: Mapping[str, str], name: str, kind: type):
    text = env.get(name)
    if not text:
        return None
    try:
        return kind(text)
    except ValueError:
        raise ConfigError(f"{name}={text!r} is not a number.") from None


def _delay(env: Mapping[str, str]) -> float:
    """REVIEW_PROGRESS_DELAY in seconds (0: draw every step at once)."""
    delay = _number(env, "REVIEW_PROGRESS_DELAY", float)
    return PROGRESS_DELAY if delay is None else max(0.0, delay)


def _user(env: Mapping[str, str]) -> str:
    """REVIEW_USER, else the login name ($USER first, as shells set it), else the account's."""
    for name in ("REVIEW_USER", "USER", "LOGNAME", "USERNAME"):
        if env.get(name, "").strip():
            return env[name].strip()
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:  # a uid without a passwd entry (some containers)
        return FALLBACK_USER

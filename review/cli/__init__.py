"""The `review` command: a thin layer over the library, in the manner of sqlite-utils.

The group reads the settings (``review.config``) once as a command starts; each command module
(one per group of commands) calls the library and prints; ``main`` turns the library's errors
(``ReviewError``) and the files a command cannot open into a message and exit code 2, and
Ctrl-C into 130; click's usage errors keep click's code (2). With ``--json`` on the command line
every error is one JSON object on stderr instead: ``{"error": message, "type": name,
"exit_code": code}``, with ``file`` and ``line`` when the error names them and ``command`` and
``usage`` for a usage error.

- ``options``: what the commands share: the DB argument, ``--json``, ``--quiet``, ``--by``
- ``bars``: the library's progress drawn as bars on a terminal (``drawn``)
- ``records``: ``init``, ``status``, ``views``, ``import``, ``export``
- ``searches``: ``search``, ``update`` (PubMed)
- ``duplicates``: ``dedupe``, ``duplicates``
- ``screening``: ``decisions import|export``
- ``reviewers``: ``reviewer ...`` (accounts)
- ``prioritise``: ``progress``, ``simulate``
- ``extraction``: ``protocol``, ``studies``, ``extraction export|import``
- ``report``: ``report``, ``prisma``
- ``sources``: ``sources`` (the sources searched, as PRISMA-S lists them)
- ``app``: ``app`` (serve the review in the browser)
- ``__main__``: ``python -m review.cli``
"""

from __future__ import annotations

import json
import sys
import traceback
from typing import Any, NoReturn

import click

from review.cli.app import app_command, is_loopback
from review.cli.duplicates import dedupe_command, duplicates_command
from review.cli.extraction import extraction_group, protocol_command, studies_command
from review.cli.prioritise import progress_command, simulate
from review.cli.records import export_command, import_, init, status, views
from review.cli.report import prisma, report_command
from review.cli.reviewers import reviewer
from review.cli.screening import decisions
from review.cli.searches import search, update
from review.cli.sources import sources_command
from review.config import read_config
from review.errors import ReviewError

__all__ = ["cli", "is_loopback", "main"]

INTERRUPTED = "Interrupted; run the same command again to continue."


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="rapid-review")  # the distribution's name
@click.pass_context
def cli(context: click.Context) -> None:
    """Rapid evidence review: harvest PubMed into a review database and keep it up to date."""
    context.obj = read_config()  # once per command; found again by options.settings()


for command in (
    init,
    search,
    update,
    status,
    views,
    import_,
    sources_command,
    dedupe_command,
    duplicates_command,
    export_command,
    decisions,
    app_command,
    progress_command,
    simulate,
    report_command,
    prisma,
    reviewer,
    protocol_command,
    studies_command,
    extraction_group,
):
    cli.add_command(command)


def wants_json(args: list[str]) -> bool:
    """Whether ``--json`` is on the command line (before any ``--``): read from the words
    themselves, so that an error click raises before it parsed the option is JSON too."""
    return "--json" in (args[: args.index("--")] if "--" in args else args)


def main() -> None:
    """The installed `review` script: messages and exit codes instead of tracebacks."""
    as_json = wants_json(sys.argv[1:])
    try:
        cli(standalone_mode=False)
    except click.exceptions.Abort:
        _fail(as_json, INTERRUPTED, "Interrupted", 130)
    except click.ClickException as exc:
        if not as_json:
            exc.show()
            sys.exit(exc.exit_code)
        _fail(True, exc.format_message(), type(exc).__name__, exc.exit_code, **_usage(exc))
    except ReviewError as exc:
        _fail(as_json, str(exc), type(exc).__name__, 2, file=exc.path, line=exc.line)
    except BrokenPipeError:
        raise  # the reader went away (`| head`): nothing to tell it
    except OSError as exc:  # a file the command opens itself: an output, a labelled set
        message = f"{exc.filename}: {exc.strerror}" if exc.filename and exc.strerror else str(exc)
        _fail(as_json, message, type(exc).__name__, 2, file=exc.filename)
    except KeyboardInterrupt:
        _fail(as_json, INTERRUPTED, "Interrupted", 130, text="\n" + INTERRUPTED)
    except Exception as exc:
        if not as_json:
            raise  # a bug: the traceback, as Python prints it
        details = {"traceback": traceback.format_exc()}
        _fail(True, str(exc) or repr(exc), type(exc).__name__, 1, **details)


def _usage(exc: click.ClickException) -> dict[str, Any]:
    """What a click error adds to its JSON object: the command and its usage line, the
    parameter or the file it is about."""
    found: dict[str, Any] = {}
    context = getattr(exc, "ctx", None)
    if context is not None:
        found["command"] = context.command_path
        found["usage"] = context.get_usage()
    param = getattr(exc, "param", None)
    if param is not None and param.name:
        found["param"] = param.name
    if isinstance(exc, click.FileError):
        found["file"] = exc.ui_filename
    return found


def _fail(
    as_json: bool, message: str, kind: str, code: int, *, text: str = "", **extra
) -> NoReturn:
    """End the command with ``code``: the message as text on stderr, or with ``as_json`` one
    JSON object there (``extra`` keys left out when None)."""
    if as_json:
        error = {"error": message, "type": kind, "exit_code": code}
        error |= {k: v for k, v in extra.items() if v is not None}
        click.echo(json.dumps(error), err=True)
    else:
        shown = text or (message if code == 130 else f"Error: {message}")
        click.echo(shown, err=True)
    sys.exit(code)

"""`pip install` of the built wheel (not editable) gives a working `review` from any folder
(issue 15.4).

The wheel is built from a copy of the sources (so the checkout gets no build/ or egg-info), without
build isolation or network, and installed with ``--no-deps --no-index`` into a new virtual
environment. That environment borrows this one's libraries through a .pth line naming its
site-packages: a plain path line runs none of that folder's own .pth files, so the editable
install's finder (this checkout's `review`) is not there, and the test checks that the `review`
it runs is the one inside the new environment. Its commands run from a temporary folder that has a
.streamlit/config.toml of its own (as does the HOME it is given), which `review app` must overrule.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from tests.browser.harness import free_port, running

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("pyproject.toml", "README.md", "review", "db")  # what the build reads
RIS = ROOT / "tests" / "data" / "imports" / "embase.ris"  # 6 Embase records
MIGRATIONS = sorted(p.name for p in (ROOT / "db").glob("[0-9][0-9][0-9]_*.sql"))
DEMO_RECORDS = 302  # of Nagtegaal 2019, review/demo_data
LOOSE_CONFIG = "[client]\ndisableDataExport = false\n"  # what a user's config might say


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, **kwargs)
    assert done.returncode == 0, f"{command} exited {done.returncode}:\n{done.stdout}{done.stderr}"
    return done


def copy_sources(target: Path) -> None:
    """The files the build reads, links kept as links (review/store/migrations -> ../../db)."""
    target.mkdir()
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(
                source, target / name, symlinks=True, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy2(source, target / name)


def new_environment(folder: Path) -> Path:
    """A virtual environment without pip whose only borrowed libraries are this one's
    site-packages, named as plain paths; returns its python."""
    run([sys.executable, "-m", "venv", "--without-pip", str(folder)])
    python = folder / "bin" / "python"
    purelib = run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"])
    ours = [p for p in sys.path if Path(p).name in ("site-packages", "dist-packages")]
    assert ours, sys.path
    (Path(purelib.stdout.strip()) / "borrowed_libraries.pth").write_text("\n".join(ours) + "\n")
    return python


def pip_install(python: Path, *args: str) -> None:
    """This environment's pip installs into ``python``'s, offline, adding no dependencies."""
    run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
         "--no-index", "--no-build-isolation", *args])  # fmt: skip


def clean_environment(**extra: str) -> dict[str, str]:
    """This process's environment without what would point the commands elsewhere: PYTHONPATH
    (this checkout), the active virtual environment, the toolkit's and Streamlit's variables."""
    skipped = ("PYTHONPATH", "VIRTUAL_ENV", "XDG_DATA_HOME")  # the demo goes under HOME
    env = {k: v for k, v in os.environ.items() if k not in skipped}
    return {k: v for k, v in env.items() if not k.startswith(("REVIEW_", "STREAMLIT_"))} | extra


def served(command: list[str], port: int, **options):
    """`review app` on ``port`` (its flags as the command gives them); yields the base URL."""
    return running(
        [*command, "--port", str(port)], f"http://127.0.0.1:{port}", timeout=90, **options
    )


def first_page(base: str) -> tuple[bool, list[tuple[str, str]]]:
    """Open a session as the browser does (Streamlit's websocket and messages) and run the page's
    script once: whether the tables' data export is off, and the elements drawn (kind, text). The
    script must finish, without an exception shown."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.sync.client import connect

    url = base.replace("http://", "ws://") + "/_stcore/stream"
    export_off, elements = None, []
    with connect(url, subprotocols=["streamlit"], open_timeout=30) as socket_:
        rerun = BackMsg()
        rerun.rerun_script.query_string = ""
        socket_.send(rerun.SerializeToString())
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            message = ForwardMsg()
            message.ParseFromString(socket_.recv(timeout=60))
            kind = message.WhichOneof("type")
            if kind == "new_session":
                export_off = message.new_session.config.disable_data_export
            elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                element = message.delta.new_element
                name = element.WhichOneof("type")
                value = getattr(element, name)
                text = getattr(value, "body", "") or getattr(value, "message", "")
                elements.append((name, str(text)))
            elif kind == "script_finished":
                if message.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    elements = []  # the address "/" sends on to a page: its run follows
                    continue
                assert message.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY, elements
                assert export_off is not None, "no new_session message before the script ended"
                assert not [e for e in elements if e[0] == "exception"], elements
                return export_off, elements
    raise AssertionError(f"the page's script did not finish; drawn so far: {elements}")


def test_the_installed_wheel_works_from_any_folder(tmp_path):
    started = time.monotonic()
    copy_sources(tmp_path / "src")
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-index",
         "--no-build-isolation", str(tmp_path / "src"), "-w", str(tmp_path / "dist")])  # fmt: skip
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    assert wheel.name == "rapid_review-0.1.0-py3-none-any.whl"
    python = new_environment(tmp_path / "env")
    pip_install(python, str(wheel))

    work = tmp_path / "work"  # not the checkout: nothing there but what the test puts
    (work / ".streamlit").mkdir(parents=True)
    (work / ".streamlit" / "config.toml").write_text(LOOSE_CONFIG)
    home = tmp_path / "home"
    (home / ".streamlit").mkdir(parents=True)
    (home / ".streamlit" / "config.toml").write_text(LOOSE_CONFIG)
    env = clean_environment(HOME=str(home), XDG_CACHE_HOME=str(home / ".cache"))
    options = {"cwd": work, "env": env}
    review = str(tmp_path / "env" / "bin" / "review")

    probe = (
        "import review, review.ui.entry as e, review.store.base as b, review.demo as d\n"
        "print(review.__file__, e.__file__, b.MIGRATIONS_DIR, d.DEMO_CSV)"
    )
    where = run([str(python), "-c", probe], **options)
    site = tmp_path / "env" / "lib"
    assert len(where.stdout.split()) == 4, where.stdout
    for line in where.stdout.split():
        assert Path(line).is_relative_to(site), f"not the installed copy: {where.stdout}"
    assert run([review, "--version"], **options).stdout.strip() == "review, version 0.1.0"

    run([review, "init", "x.db"], **options)
    imported = run([review, "import", "x.db", str(RIS)], **options).stdout
    assert "6 records added" in imported
    status = json.loads(run([review, "status", "x.db", "--json"], **options).stdout)
    assert status["records"] == 6
    assert status["schema"] == MIGRATIONS  # every migration shipped and run
    assert "records: 6" in run([review, "status", "x.db"], **options).stdout

    with served([review, "app", "x.db"], free_port(), **options) as base:
        export_off, elements = first_page(base)
    assert export_off is True  # the flags beat the folder's and the user's config.toml
    assert ("heading", "Overview") in elements
    shown = [t for k, t in elements if k == "markdown" and t.startswith("Review database: ")]
    assert shown and shown[0].replace("\\", "").endswith("/work/x.db"), elements  # md-escaped

    with served([review, "app"], free_port(), **options) as base:  # the demo: README's first step
        demo_page = first_page(base)[1]
    assert ("heading", "Sign in") in demo_page  # the demo has accounts, named on the page
    assert any(k == "alert" and "demo-password" in t for k, t in demo_page), demo_page
    demo_db = home / ".local" / "share" / "review" / "demo-review.db"  # per user, not in work/
    assert not (work / "demo").exists()
    demo = json.loads(run([review, "status", str(demo_db), "--json"], **options).stdout)
    assert demo["records"] == DEMO_RECORDS
    print(f"wheel {wheel.stat().st_size:,} bytes; built, installed, run in "
          f"{time.monotonic() - started:.1f} s")  # fmt: skip


def test_an_editable_install_reads_the_top_level_db_folder(tmp_path):
    """scripts/setup's install: the package stays in the checkout, its migrations link resolves
    to db/ there, and a migration added to db/ is the one a new review gets."""
    copy_sources(tmp_path / "src")
    python = new_environment(tmp_path / "env")
    pip_install(python, "--editable", str(tmp_path / "src"))
    extra = tmp_path / "src" / "db" / "999_probe.sql"
    extra.write_text("CREATE TABLE probe (x);\n")
    work = tmp_path / "work"
    work.mkdir()
    env = clean_environment()
    review = str(tmp_path / "env" / "bin" / "review")
    where = run([str(python), "-c", "import review; print(review.__file__)"], cwd=work, env=env)
    assert Path(where.stdout.strip()) == tmp_path / "src" / "review" / "__init__.py"
    run([review, "init", "x.db"], cwd=work, env=env)
    status = json.loads(run([review, "status", "x.db", "--json"], cwd=work, env=env).stdout)
    assert status["schema"] == [*MIGRATIONS, "999_probe.sql"]

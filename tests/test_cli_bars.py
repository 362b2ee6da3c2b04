"""The progress bars of the command line (review/cli/bars.py): drawn on a terminal only, only
once it has been silent for the delay, each step's line ended before anything else is printed."""

from __future__ import annotations

import io
import re

from review.cli.bars import Bars, drawn


class Terminal(io.StringIO):
    """What a terminal was sent; says it is one."""

    def isatty(self) -> bool:
        return True

    def lines(self) -> list[str]:
        """Each line as last drawn: escapes dropped, a carriage return redraws the line."""
        text = re.sub(r"\x1b\[\?25[lh]", "", self.getvalue())
        return [part.split("\r")[-1].rstrip() for part in text.split("\n")]


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def bars(delay: float = 2.0) -> tuple[Bars, Terminal, Clock]:
    clock, terminal = Clock(), Terminal()
    return Bars(terminal, delay, clock), terminal, clock


def test_a_step_is_drawn_once_the_terminal_has_been_silent_for_the_delay():
    progress, terminal, clock = bars()
    progress("Scoring candidate pairs", 0, 1000)
    clock.now += 1.5
    progress("Scoring candidate pairs", 300, 1000)
    assert terminal.getvalue() == ""
    clock.now += 0.5
    progress("Scoring candidate pairs", 400, 1000)
    assert terminal.lines()[-1].startswith("Scoring candidate pairs  [#########")
    assert "40%" in terminal.lines()[-1] and terminal.lines()[-1].endswith("400/1,000")
    clock.now += 1
    progress("Scoring candidate pairs", 1000, 1000)
    assert terminal.lines()[-2].endswith("1,000/1,000") and "100%" in terminal.lines()[-2]
    assert terminal.lines()[-1] == ""  # the step ended its line


def test_a_step_over_before_the_delay_is_never_drawn():
    progress, terminal, clock = bars()
    progress("Loading records", 0, 10)
    clock.now += 1.9
    progress("Loading records", 10, 10)
    clock.now += 5
    progress("Loading records", 10, 10)  # a late repeat of its end changes nothing
    assert terminal.getvalue() == ""


def test_short_steps_cannot_keep_the_terminal_silent_longer_than_the_delay():
    progress, terminal, clock = bars()
    for name in ("Loading records", "Preparing records", "Grouping records into blocks"):
        progress(name, 0, 10)
        clock.now += 0.9
        progress(name, 5, 10)
    # 2.7 s since the start of the first: the third step is drawn though it began 0.9 s ago
    assert terminal.lines()[-1].startswith("Grouping records into blocks")
    assert "Loading" not in terminal.getvalue() and "Preparing" not in terminal.getvalue()


def test_redraws_are_spaced_and_a_new_step_ends_the_line_of_the_last():
    progress, terminal, clock = bars(delay=0)
    progress("Reading big.ris", 0, 100)
    drawn_once = terminal.getvalue()
    clock.now += 0.01
    progress("Reading big.ris", 1, 100)  # within 0.1 s of the last redraw: not drawn
    assert terminal.getvalue() == drawn_once
    clock.now += 0.2
    progress("Reading big.ris", 50, 100)
    assert terminal.lines()[-1].endswith("50/100")
    progress("Storing big.ris", 0, 3)  # the reading step never said its end
    assert terminal.lines()[-2].endswith("50/100") and terminal.lines()[-1].startswith("Storing")


def test_a_step_of_unknown_size_shows_its_count_then_its_end():
    progress, terminal, clock = bars(delay=0)
    progress("Listing", 0, None)
    clock.now += 1
    progress("Listing", 1234, None)
    assert terminal.lines()[-1].endswith("1,234") and "%" not in terminal.lines()[-1]
    clock.now += 1
    progress("Listing", 2000, 2000)
    assert terminal.lines()[-2].endswith("2,000/2,000") and terminal.lines()[-1] == ""


def test_close_ends_a_bar_cut_short():
    progress, terminal, clock = bars(delay=0)
    progress("Fetching records", 0, 10)
    clock.now += 1
    progress("Fetching records", 4, 10)
    assert not terminal.getvalue().endswith("\n")
    progress.close()
    assert terminal.getvalue().endswith("\x1b[?25h\n")  # the cursor shown again, a new line
    progress.close()  # twice is harmless
    assert terminal.getvalue().count("\n") == 1


def test_nothing_is_handed_to_the_library_when_silent_or_not_a_terminal(monkeypatch):
    monkeypatch.setattr("sys.stderr", Terminal())
    with drawn(silent=True) as progress:
        assert progress is None
    with drawn(silent=False) as progress:
        assert isinstance(progress, Bars)
    monkeypatch.setattr("sys.stderr", io.StringIO())  # a pipe or a file
    with drawn(silent=False) as progress:
        assert progress is None


def test_the_silence_counts_from_the_start_of_the_command():
    clock, terminal = Clock(), Terminal()
    progress = Bars(terminal, 2.0, clock, since=clock.now - 1.8)  # start-up took 1.8 s
    progress("Reading big.ris", 0, 10)
    assert terminal.getvalue() == ""
    clock.now += 0.3
    progress("Reading big.ris", 3, 10)
    assert terminal.lines()[-1].startswith("Reading big.ris")

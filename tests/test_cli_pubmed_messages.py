"""`review search`/`review update` print every ErrorList/WarningList item of a run."""

from __future__ import annotations

import json

from tests.fake_eutils import FakeEutils, make_corpus
from tests.test_cli import review

UNKNOWN = "Problem: PubMed found nothing for 'zzqxv' and left it out of the search."


def test_every_pubmed_message_of_a_run_is_printed(tmp_path):
    corpus = make_corpus(200, topic="cryoablation", seed=8)  # entered 2000-2025: none this week
    with FakeEutils(corpus, enforce_rate=False, empty_date_limit="drop") as fake:
        db = tmp_path / "r.db"
        first = review("search", db, "cryoablation AND zzqxv", "--name", "x", fake=fake).stdout
        assert f"  {UNKNOWN}" in first
        out = review("update", db, fake=fake).stdout.splitlines()
        assert out[0] == f"update {db}: x: 0 new, 0 already present"
        dropped = [line for line in out if line.startswith("  x: Warning: PubMed dropped")]
        assert len(dropped) == 1 and "ErrorList PhraseNotFound" in dropped[0]
        assert "whole search's count, 200" in dropped[0]
        assert f"  x: {UNKNOWN}" in out  # the query's own ErrorList item, on every run

        data = json.loads(review("update", db, "--json", fake=fake).stdout)
        assert UNKNOWN.removeprefix("Problem: ") in data[0]["errors"]
        assert any("PubMed dropped" in w for w in data[0]["warnings"])
        assert "dropped the date limit of 1 window(s)" in data[0]["message"]

        quiet = review("update", db, "-q", fake=fake)  # for cron: nothing but the problems
        assert quiet.stdout == "" and quiet.stderr == f"  x: {UNKNOWN}\n"
        quiet = review("search", db, "cryoablation AND zzqxv", "--name", "x", "-q", fake=fake)
        assert quiet.stdout == "" and quiet.stderr == f"  {UNKNOWN}\n"

"""What found a record, for the screening card: every search and import of its duplicate group."""

from __future__ import annotations

from collections import namedtuple

from review.imports.load import import_file
from review.records import Record
from review.store import open_store

Match = namedtuple("Match", "a b score verdict reasons")
RIS = "TY  - JOUR\nTI  - Cryoablation of renal tumours\nAU  - Smith, John\nPY  - 2019\nER  - \n"


def test_a_record_names_the_sources_of_its_whole_group(tmp_path):
    (tmp_path / "embase.ris").write_text(RIS, encoding="utf-8")
    (tmp_path / "scopus.ris").write_text(RIS.replace("2019", "2019\nN1  - again"), "utf-8")
    with open_store(tmp_path / "review.db") as store:
        store.add_records("demo", [("d1", Record(title="A demo record", raw="d1"))])
        import_file(store, tmp_path / "embase.ris", source="Embase", actor="ann")
        import_file(store, tmp_path / "scopus.ris", actor="ann")
        embase, scopus = (
            row.id for row in sorted(store.record_rows(search="renal", limit=5), key=lambda r: r.id)
        )
        assert store.record_found_by(embase) == ("Embase: embase.ris",)
        store.save_matches([Match(embase, scopus, 0.99, "duplicate", ())], "review")
        both = ("Embase: embase.ris", "database not recorded: scopus.ris")
        assert store.record_found_by(embase) == both
        assert store.record_found_by(scopus) == both  # any member answers for the group
        assert store.record_found_by(1) == ("Other records (demo)",)
        assert store.record_found_by(999) == ()

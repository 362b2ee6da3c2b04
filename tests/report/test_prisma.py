"""The PRISMA 2020 flow diagram of a real review file, reconciled with raw SQL on the same file.

The review is built through the library as a user would: two PubMed searches, an Embase and a
Scopus export imported and deduplicated against them, dual screening with a conflict and a lead's
resolutions, full-text exclusions for several reasons, then an update run. Every number of
PrismaCounts is then counted again by SQL written here from the schema, not from the code.
"""

from __future__ import annotations

import sqlite3
import xml.etree.ElementTree as ET

import pytest

from review.dedupe.run import dedupe
from review.errors import ReviewError
from review.imports.load import import_file
from review.records import AbstractSection, Author, Record
from review.report.flow import NOT_RETRIEVED, prisma_counts
from review.report.prisma import prisma_png, prisma_svg, write_prisma
from review.screening.decisions import decide, resolve, save_settings
from review.screening.model import DEFAULT_REASONS, Reviewer, Settings
from review.store import open_store

TA, FT = "title_abstract", "full_text"
LEAD = Reviewer("lee", "lead")
TITLES = {
    "P1": "Cryoablation versus partial nephrectomy for small renal masses",
    "P2": "Percutaneous cryotherapy of hepatic metastases: a cohort",
    "P3": "Pain after lung cryoablation in elderly patients",
    "P4": "Radiofrequency ablation compared with microwave energy in bone lesions",
    "P5": "Costs of image guided tumour destruction across European hospitals",
    "P6": "Anaesthesia protocols for interventional oncology procedures",
    "P7": "Long term survival following prostate freezing therapy",
    "P8": "Nurse led follow up clinics after thermal ablation",
    "P9": "Breast fibroadenoma treated by office based cryoprobe",
    "P10": "Renal function decline after nephron sparing interventions",
    "E3": "Quality of life questionnaires in desmoid tumour management",
    "E4": "Complications registry of cryoneurolysis for knee osteoarthritis",
    "E5": "Veterinary applications of liquid nitrogen in equine surgery",
    "S2": "Machine learning prediction of ice ball margins on computed tomography",
    "U1": "Randomised trial of cryoablation for early stage breast cancer",
    "U2": "Editorial: the future of ablative interventions",
    "U3": "Cryoballoon isolation outcomes in paroxysmal atrial fibrillation",
    "U4": "Renal cryoablation in solitary kidneys: a multicentre series",
}
KEYS = [*TITLES, "U5"]  # U5: a later PubMed record of the article E3
NAMES = "Adams Baker Chen Diaz Evans Fischer Garcia Hughes Ito Jones Kowalski Larsen Moreau Novak"
SURNAMES = dict(zip(TITLES, [*NAMES.split(), "Okafor", "Petrov", "Quinn", "Rossi"], strict=True))


def record(key: str, *, doi_of: str | None = None) -> Record:
    """A PubMed record for ``key`` (``doi_of``: the same article as another key's record)."""
    same = doi_of or key
    return Record(
        pmid=str(1000 + KEYS.index(key)),
        doi=f"10.1000/{same.lower()}",
        title=TITLES[same],
        abstract_sections=(AbstractSection(f"About {TITLES[same].lower()}."),),
        authors=(Author(SURNAMES[same], "Ann", "A"),),
        journal="Journal of Interventional Studies",
        year=2015 + list(TITLES).index(same) % 9,
        volume=str(10 + list(TITLES).index(same)),
        pages=f"{100 + list(TITLES).index(same)}-110",
        raw=f"<PubmedArticle>{key}</PubmedArticle>",
    )


def ris(keys: dict[str, str], database: str) -> str:
    """An export of ``keys`` (name in the file -> the article it describes) as RIS."""
    out = []
    for same in keys.values():
        r = record(same)
        out.append(
            f"TY  - JOUR\nDB  - {database}\nTI  - {r.title}\nAU  - {r.authors[0].last_name}, "
            f"Ann\nPY  - {r.year}\nJO  - {r.journal}\nVL  - {r.volume}\nSP  - {r.pages}\n"
            f"DO  - {r.doi}\nAB  - {r.abstract}\nER  - \n"
        )
    return "\n".join(out)


def run(store, search: str, kind: str, keys: list[str], **dois) -> None:
    """One search run storing the PubMed records ``keys`` (as the harvester stores a page)."""
    search_id = store.save_search(search, f"{search}[tiab]")
    run_id = store.start_run(search_id, kind, {"term": search})
    store.store_pubmed_batch(run_id, [record(k, doi_of=dois.get(k)) for k in keys])
    store.finish_run(run_id, "complete")


def both(store, key_ids, stage, decision, *keys, reason=""):
    for key in keys:
        for who in ("ann", "bob"):
            decide(store, Reviewer(who), key_ids[key], stage, decision, reason)


def ids(store) -> dict[str, int]:
    """Record id per key: PubMed records by PMID, imported ones by their title."""
    by_title = {t: k for k, t in TITLES.items()}
    found = {}
    for row in store.query("SELECT id, origin, pmid, title FROM records ORDER BY id"):
        if row["origin"] == "pubmed":
            found[KEYS[int(row["pmid"]) - 1000]] = row["id"]
        else:
            found.setdefault(by_title[row["title"]].replace("P", "E"), row["id"])
    return found


def build(tmp_path, *, update: bool):
    """The review described in the module docstring; the update run only if ``update``."""
    store = open_store(tmp_path / "review.db")
    save_settings(store, Settings(dual=True), Reviewer("lee", "lead"))
    run(store, "cryo", "search", [f"P{i}" for i in range(1, 9)])
    run(store, "renal", "search", ["P3", "P4", "P9", "P10"])  # P3, P4 found again
    (tmp_path / "embase.ris").write_text(
        ris({"E1": "P1", "E2": "P2", "E3": "E3", "E4": "E4", "E5": "E5"}, "Embase"), "utf-8"
    )
    (tmp_path / "scopus.ris").write_text(ris({"S1": "E3", "S2": "S2"}, "Scopus"), "utf-8")
    import_file(store, tmp_path / "embase.ris", source="Embase")
    import_file(store, tmp_path / "scopus.ris", source="Scopus")
    dedupe(store)
    k = ids(store)
    embase_p1 = store.group_members(k["P1"])  # the Embase twin of P1
    assert len(embase_p1) == 2 and len(store.group_members(k["E3"])) == 2  # E3 and Scopus's

    # Title/abstract, dual. ann decides P1 on its Embase twin: it counts for the group.
    decide(store, Reviewer("ann"), max(embase_p1), TA, "include")
    decide(store, Reviewer("bob"), k["P1"], TA, "include")
    both(store, k, TA, "include", "P2", "P9", "P10", "E3", "E4")
    both(store, k, TA, "maybe", "P3")
    both(store, k, TA, "exclude", "P5", "P6", "E5")
    decide(store, Reviewer("ann"), k["P4"], TA, "include")
    decide(store, Reviewer("bob"), k["P4"], TA, "exclude")  # a conflict, left open
    decide(store, Reviewer("ann"), k["P7"], TA, "include")
    decide(store, Reviewer("bob"), k["P7"], TA, "exclude")
    resolve(store, LEAD, k["P7"], TA, "include")
    decide(store, Reviewer("ann"), k["P8"], TA, "include")  # one decision of two: undecided
    # Full text
    both(store, k, FT, "include", "P1", "E3")
    both(store, k, FT, "exclude", "P2", reason=NOT_RETRIEVED)
    both(store, k, FT, "exclude", "P3", reason="Wrong population")
    decide(store, Reviewer("ann"), k["P7"], FT, "exclude", "Wrong outcomes")
    decide(store, Reviewer("bob"), k["P7"], FT, "exclude", "Wrong population")  # the latest stands
    both(store, k, FT, "exclude", "P9", reason="Wrong study design")
    decide(store, Reviewer("ann"), k["P10"], FT, "include")
    decide(store, Reviewer("bob"), k["P10"], FT, "exclude", "Wrong outcomes")  # conflict
    decide(store, Reviewer("ann"), k["E4"], FT, "include")
    decide(store, Reviewer("bob"), k["E4"], FT, "exclude", "Wrong outcomes")
    resolve(store, LEAD, k["E4"], FT, "exclude", "Wrong outcomes")
    run(store, "cryo", "update", ["P5"])  # an update that finds nothing new
    if update:
        # U5 is a new PubMed record of E3, an included report: a duplicate, not a new study.
        run(store, "cryo", "update", ["U1", "U2", "U3", "U4", "U5", "P6"], U5="E3")
        run(store, "renal", "update", ["U4"])
        dedupe(store)
        k = ids(store)
        assert k["E3"] in store.group_members(k["U5"])
        both(store, k, TA, "include", "U1", "U3")
        both(store, k, TA, "exclude", "U2")
        both(store, k, FT, "include", "U1")
        both(store, k, FT, "exclude", "U3", reason=NOT_RETRIEVED)
    return store


# -- the independent count: SQL from the schema ----------------------------------------------

VIEWS = """
CREATE TEMP VIEW member AS SELECT r.id AS record_id, coalesce(g.primary_id, r.id) AS unit
    FROM records r LEFT JOIN duplicate_groups g ON g.record_id = r.id;
CREATE TEMP VIEW unit AS SELECT DISTINCT m.unit FROM member m
    JOIN screening_queue q ON q.record_id = m.unit;
CREATE TEMP VIEW standing AS SELECT m.unit, d.* FROM decisions d JOIN member m USING (record_id)
    WHERE d.id IN (SELECT max(d2.id) FROM decisions d2 JOIN member m2 USING (record_id)
                   GROUP BY m2.unit, d2.stage, d2.reviewer, d2.kind);
CREATE TEMP VIEW final AS SELECT u.unit, st.stage,
    CASE WHEN EXISTS (SELECT 1 FROM standing s WHERE s.unit = u.unit AND s.stage = st.stage
                      AND s.kind = 'resolution')
         THEN (SELECT decision FROM standing s WHERE s.unit = u.unit AND s.stage = st.stage
               AND s.kind = 'resolution')
         WHEN (SELECT count(*) FROM standing s WHERE s.unit = u.unit AND s.stage = st.stage) < 2
         THEN NULL
         WHEN (SELECT count(DISTINCT decision) FROM standing s WHERE s.unit = u.unit
               AND s.stage = st.stage) = 1
         THEN (SELECT min(decision) FROM standing s WHERE s.unit = u.unit AND s.stage = st.stage)
         ELSE 'conflict' END AS decision,
    (SELECT reason FROM standing s WHERE s.unit = u.unit AND s.stage = st.stage
     ORDER BY s.kind = 'resolution' DESC, s.id DESC LIMIT 1) AS reason
    FROM unit u, (SELECT 'title_abstract' AS stage UNION SELECT 'full_text') st;
CREATE TEMP VIEW sought AS SELECT unit FROM final
    WHERE stage = 'title_abstract' AND decision IN ('include', 'maybe');
CREATE TEMP VIEW full AS SELECT f.* FROM final f JOIN sought USING (unit)
    WHERE f.stage = 'full_text';
CREATE TEMP VIEW boundary AS SELECT coalesce(min(rs.record_id), 1e18) AS first
    FROM record_sources rs JOIN search_runs r ON r.id = rs.run_id
    WHERE r.kind = 'update' AND rs.new = 1;
CREATE TEMP VIEW previous AS SELECT DISTINCT m.unit FROM member m
    WHERE m.record_id < (SELECT first FROM boundary);
"""


class Reference:
    """The diagram's numbers counted straight from the file (no undo events in this review)."""

    def __init__(self, path, *, new_only: bool = False):
        self.db = sqlite3.connect(path)
        self.db.executescript(VIEWS)
        assert not self.one("SELECT count(*) FROM decisions WHERE decision = 'undo'")
        self.since = self.one("SELECT first FROM boundary") if new_only else 0
        # the units of this flow: all, or those with no record from before the update
        self.units = "(SELECT unit FROM unit{})".format(
            " WHERE unit NOT IN (SELECT unit FROM previous)" if new_only else ""
        )

    def one(self, sql: str, params=()):
        return self.db.execute(sql, params).fetchone()[0]

    def count(self, view: str, where: str = "1") -> int:
        return self.one(f"SELECT count(*) FROM {view} WHERE unit IN {self.units} AND ({where})")

    def sources(self) -> dict[str, int]:
        rows = self.db.execute(
            "SELECT 'PubMed (' || s.name || ')', (SELECT count(*) FROM (SELECT DISTINCT "
            "rs.record_id FROM record_sources rs JOIN search_runs r ON r.id = rs.run_id "
            "WHERE r.search_id = s.id AND rs.record_id >= ?)) FROM searches s",
            (self.since,),
        ).fetchall()
        rows += self.db.execute(
            "SELECT i.source, count(*) FROM imports i JOIN record_imports ri "
            "ON ri.import_id = i.id WHERE ri.record_id >= ? GROUP BY i.source",
            (self.since,),
        ).fetchall()
        return dict(rows)

    def duplicates(self) -> int:
        """Extra finds of one record by several sources, plus records marked duplicates (and,
        for an update's records, those that duplicate a report the review already had)."""
        extra = self.one(
            "SELECT coalesce(sum(n - 1), 0) FROM (SELECT r.id, "
            "(SELECT count(DISTINCT sr.search_id) FROM record_sources rs JOIN search_runs sr "
            " ON sr.id = rs.run_id WHERE rs.record_id = r.id) "
            "+ (SELECT count(*) FROM record_imports ri WHERE ri.record_id = r.id) AS n "
            "FROM records r WHERE r.id >= ?)",
            (self.since,),
        )
        already = "OR unit IN (SELECT unit FROM previous)" if self.since else ""
        marked = self.one(
            f"SELECT count(*) FROM member WHERE record_id >= ? AND (record_id != unit {already})",
            (self.since,),
        )
        return extra + marked

    def check(self, flow) -> None:
        """Every number of a Flow against this file."""
        ta = "stage = 'title_abstract' AND "
        assert dict(flow.sources) == self.sources()
        assert flow.records_identified == sum(self.sources().values())
        assert flow.duplicates_removed == self.duplicates()
        screened = self.count("final", ta + "decision IN ('include', 'exclude', 'maybe')")
        assert flow.records_screened == screened
        assert flow.records_excluded == self.count("final", ta + "decision = 'exclude'")
        undecided = self.count("final", ta + "(decision IS NULL OR decision = 'conflict')")
        assert flow.awaiting_screening == undecided
        assert flow.reports_sought == self.count("sought")
        not_retrieved = self.count("full", f"decision = 'exclude' AND reason = '{NOT_RETRIEVED}'")
        assert flow.reports_not_retrieved == not_retrieved
        reasons = self.db.execute(
            f"SELECT reason, count(*) FROM full WHERE unit IN {self.units} AND decision = "
            f"'exclude' AND reason != '{NOT_RETRIEVED}' GROUP BY reason"
        ).fetchall()
        assert dict(flow.reports_excluded) == dict(reasons)
        counts = [n for _, n in flow.reports_excluded]
        assert counts == sorted(counts, reverse=True)  # most frequent first
        included = self.count("full", "decision = 'include'")
        assert flow.reports_included == included
        assert flow.reports_assessed == included + sum(n for _, n in reasons)
        pending = self.count("full", "decision IS NULL OR decision IN ('maybe', 'conflict')")
        assert flow.awaiting_full_text == pending
        # and the flow adds up, as the diagram's boxes must
        assert flow.records_identified - flow.duplicates_removed == screened + undecided
        assert flow.reports_sought == not_retrieved + flow.reports_assessed + pending


# -- the tests --------------------------------------------------------------------------------


def svg_text(svg: str) -> str:
    """All the text of the SVG, its lines joined with spaces (wrapping splits at spaces)."""
    root = ET.fromstring(svg)
    return " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))


def expected_lines(flow) -> list[str]:
    lines = [f"{name} (n = {n:,})" for name, n in flow.sources]
    lines += [f"{reason} (n = {n:,})" for reason, n in flow.reports_excluded]
    lines += [
        f"Duplicate records removed (n = {flow.duplicates_removed})",
        f"Records screened (n = {flow.records_screened})",
        f"Records excluded (n = {flow.records_excluded})",
        f"Reports sought for retrieval (n = {flow.reports_sought})",
        f"Reports not retrieved (n = {flow.reports_not_retrieved})",
        f"Reports assessed for eligibility (n = {flow.reports_assessed})",
    ]
    if flow.awaiting_screening:
        lines.append(f"Records awaiting screening (n = {flow.awaiting_screening})")
    if flow.awaiting_full_text:
        lines.append(f"Reports awaiting assessment (n = {flow.awaiting_full_text})")
    if len(flow.sources) > 1:
        lines.append(f"Total (n = {flow.records_identified})")
    return lines


def test_every_number_reconciles_with_the_file_before_an_update(tmp_path):
    with build(tmp_path, update=False) as store:
        counts = prisma_counts(store)
    Reference(tmp_path / "review.db").check(counts)
    assert NOT_RETRIEVED in DEFAULT_REASONS
    # what the scenario was built to contain, so the reference itself is checked too
    assert [name for name, _ in counts.sources] == [
        "PubMed (cryo)", "PubMed (renal)", "Embase", "Scopus",
    ]  # fmt: skip
    assert counts.awaiting_screening == 3  # P4's conflict, P8 half decided, S2 untouched
    assert counts.reports_excluded[0] == ("Wrong population", 2)  # P3, and P7's latest reason
    assert counts.reports_not_retrieved == 1 and counts.awaiting_full_text == 1
    # an update run ran but added nothing: this is not an updated review
    db = sqlite3.connect(tmp_path / "review.db")
    assert db.execute("SELECT count(*) FROM search_runs WHERE kind = 'update'").fetchone()[0]
    assert not counts.updated and counts.new is None
    assert (counts.previous_reports, counts.new_reports) == (0, counts.reports_included)
    assert counts.studies_included == counts.reports_included == counts.new_studies


def test_every_number_reconciles_after_an_update_added_records(tmp_path):
    with build(tmp_path, update=True) as store:
        counts = prisma_counts(store)
    path = tmp_path / "review.db"
    Reference(path).check(counts)
    new = Reference(path, new_only=True)
    new.check(counts.new)
    assert counts.updated
    included = "SELECT count(*) FROM full WHERE decision = 'include' AND unit {} previous)"
    previous = new.one(included.format("IN (SELECT unit FROM"))
    assert counts.previous_reports == counts.previous_studies == previous
    assert (
        counts.new_reports
        == counts.new_studies
        == new.one(included.format("NOT IN (SELECT unit FROM"))
    )
    assert counts.previous_reports + counts.new_reports == counts.reports_included
    # E3's later PubMed record is a duplicate removed from the update, not a new study
    assert (counts.previous_reports, counts.new_reports) == (2, 1)
    assert dict(counts.new.sources) == {"PubMed (cryo)": 5, "PubMed (renal)": 1}


def test_studies_can_be_fewer_than_reports(tmp_path):
    with build(tmp_path, update=True) as store:
        counts = prisma_counts(store, studies_included=2, previous_studies=1)
        assert (counts.studies_included, counts.previous_studies, counts.new_studies) == (2, 1, 1)
        assert counts.reports_included == 3
        with pytest.raises(ReviewError, match="at least one report"):
            prisma_counts(store, studies_included=4)
        with pytest.raises(ReviewError, match="previous_studies"):
            prisma_counts(store, studies_included=1)  # 2 previous studies assumed by default


def test_the_svg_is_xml_with_every_number_and_source(tmp_path):
    with build(tmp_path, update=False) as store:
        counts = prisma_counts(store)
    text = svg_text(prisma_svg(counts))
    for line in expected_lines(counts):
        assert line in text
    assert f"Studies included in review (n = {counts.studies_included})" in text
    assert f"Reports of included studies (n = {counts.reports_included})" in text
    assert "previous version" not in text and "new studies" not in text


def test_the_updated_variant_shows_previous_and_new_studies(tmp_path):
    with build(tmp_path, update=True) as store:
        counts = prisma_counts(store)
    text = svg_text(prisma_svg(counts))
    for line in expected_lines(counts.new):  # the boxes count the update's records
        assert line in text
    assert "Identification of new studies via databases and registers" in text
    assert f"Studies included in previous version of review (n = {counts.previous_studies})" in text
    assert f"New studies included in review (n = {counts.new_studies})" in text
    assert f"Reports of new included studies (n = {counts.new_reports})" in text
    assert f"Total studies included in review (n = {counts.studies_included})" in text
    assert f"Reports of total included studies (n = {counts.reports_included})" in text


def test_text_is_escaped_and_fits_its_boxes(tmp_path):
    from dataclasses import replace

    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    with build(tmp_path, update=True) as store:
        counts = prisma_counts(store)
    odd = 'R&D <Embase> "classic" \x01 records from an exceptionally verbose source name'
    reason = "Not a randomised trial of an intervention in adults " * 4
    counts = replace(
        counts,
        new=replace(counts.new, sources=((odd, 3),), reports_excluded=((reason.strip(), 7),)),
    )
    root = ET.fromstring(prisma_svg(counts))
    ns = "{http://www.w3.org/2000/svg}"
    text = " ".join(t.text for t in root.iter(f"{ns}text"))
    assert 'R&D <Embase> "classic" records' in text.replace("\x01", "")
    assert f"{reason.strip()} (n = 7)" in text
    ttp = TextToPath()
    for group in root.iter(f"{ns}g"):
        rect = group.find(f"{ns}rect")
        x, y = float(rect.get("x")), float(rect.get("y"))
        w, h = float(rect.get("width")), float(rect.get("height"))
        for t in group.findall(f"{ns}text"):
            bold = "bold" if t.get("font-weight") == "bold" else "normal"
            width = ttp.get_text_width_height_descent(
                t.text, FontProperties(family="DejaVu Sans", weight=bold, size=13), ismath=False
            )[0]
            if t.get("transform"):  # a phase label, written upright, centred on its bar
                assert width < h - 10, t.text
                continue
            left = float(t.get("x")) - (width / 2 if t.get("text-anchor") == "middle" else 0)
            assert x < left and left + width < x + w, t.text
            assert y + 10 < float(t.get("y")) < y + h - 2, t.text


def test_png_and_svg_files_by_suffix(tmp_path):
    with build(tmp_path, update=True) as store:
        counts = prisma_counts(store)
    png = write_prisma(counts, tmp_path / "flow.PNG")
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width > 800 and height > 600
    assert prisma_png(counts)[:8] == data[:8]
    svg = write_prisma(counts, tmp_path / "flow.svg")
    ET.parse(svg)
    with pytest.raises(ReviewError, match=r"\.svg.*\.png"):
        write_prisma(counts, tmp_path / "flow.pdf")
    assert not (tmp_path / "flow.pdf").exists()
    with pytest.raises(ReviewError, match="Cannot write"):
        write_prisma(counts, tmp_path / "missing" / "flow.svg")

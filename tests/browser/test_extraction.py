"""Extraction in a real browser: the lead types IPG747 study 1 into the app, the library reads it.

A live `streamlit run` serves a review file built with the IPG747 protocol and records; every
wait is for an element of the page, and what was stored is checked through the library.
"""

from __future__ import annotations

import re
import time
from dataclasses import replace
from importlib.util import find_spec

import docx
import pytest
from docx.table import Table
from docx.text.paragraph import Paragraph
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from review.extraction.drafts import draft
from review.extraction.model import ANALYSIS_PARTS, DETAIL_ROWS
from review.extraction.studies import list_studies, save_findings, set_role, study
from review.screening.full_text import keep_full_text
from review.screening.model import Reviewer
from review.screening.reviewers import add_reviewer
from review.store import open_store
from tests.browser.harness import (
    PASSWORDS,
    button,
    current_elements,
    go_to,
    sign_in,
    wait_idle,
)
from tests.extraction.ipg747 import (
    PROLOGO_ABSTRACT,
    STUDY1,
    STUDY1_SAFETY,
    STUDY2_PAIN,
    build_review,
    with_abstracts,
)

LEE = Reviewer("lee", "lead")

pytestmark = pytest.mark.browser


def eventually(check, timeout: float = 5.0):
    """Poll the database until ``check()`` is truthy (the page may show before a slow write)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.05)


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the selectbox labelled ``label`` (typing it: a new value is allowed
    where the selectbox accepts one)."""
    box = current_elements(page).get_by_role("combobox", name=label, exact=True)
    box.click()
    box.fill(option)
    offered = page.get_by_role("option", name=option, exact=True)
    offered.or_(page.get_by_role("option", name=f"Add: {option}", exact=True)).first.click()
    expect(box).to_have_value(option)


def fill(page, label: str, value) -> None:
    """Type into the one field labelled ``label``: on a busy machine the previous run's field can
    linger in the page for a moment beside the new one, so wait until only one is left."""
    field = current_elements(page).get_by_label(label, exact=True)
    expect(field).to_have_count(1, timeout=15_000)
    field.fill(str(value))


@pytest.fixture
def cazzato(tmp_path):
    """The IPG747 review with a lead account; returns (review file, the Cazzato 2016 study id)."""
    db = tmp_path / "review.db"
    made = build_review(db, lead="lee")
    with open_store(db) as store:
        add_reviewer(store, "lee", "lead", PASSWORDS["lee"], by=LEE)
    [study_id] = [s.id for s in made if s.label == "Cazzato 2016"]
    return db, study_id


def _stored(db, study_id: int):
    with open_store(db) as store:
        return study(store, study_id)


def test_the_lead_types_study_1_details_and_safety_into_the_app(cazzato, serve, new_page, tmp_path):
    db, study_id = cazzato
    base = serve(db)
    page = new_page()
    page.goto(f"{base}/extraction?study={study_id}")  # the Studies page links so
    sign_in(page, "lee")
    main = current_elements(page)
    main.get_by_role("heading", name="Extraction", exact=True).wait_for()
    main.get_by_role("heading", name="Cazzato RL (2016)").wait_for()

    for name, label in (*DETAIL_ROWS, *ANALYSIS_PARTS):
        if name != "analysis":
            fill(page, label, getattr(STUDY1, name))
    choose(page, "Design", STUDY1.design)
    choose(page, "Retrospective", "Retrospective")
    fill(page, "Patients enrolled", STUDY1.patients)
    fill(page, "Patients analysed", STUDY1.analysed)
    fill(page, "Follow-up (months)", STUDY1.follow_up_months)
    fill(page, "Population (for summary sentences)", STUDY1.population_label)
    button(page, "Save study details").click()
    main.get_by_text("Study details saved.").wait_for()
    wait_idle(page)

    saved = eventually(lambda: _stored(db, study_id).details.country and _stored(db, study_id))
    assert saved.details == STUDY1  # field for field: numbers and text as typed

    # Two safety findings through the add form: a free-text event with a note, then a key
    # safety outcome of the protocol with n/N.
    (first, pain) = STUDY1_SAFETY
    choose(page, "Event", first.event)
    fill(page, "Note", first.note)
    button(page, "Add safety finding").click()
    main.get_by_text("1 safety findings saved.").wait_for()
    wait_idle(page)
    choose(page, "Event", pain.event)
    fill(page, "n", pain.n)
    fill(page, "N", pain.total)
    fill(page, "Severity", pain.severity)
    fill(page, "Time point", pain.timepoint)
    button(page, "Add safety finding").click()
    main.get_by_text("2 safety findings saved.").wait_for()
    wait_idle(page)
    assert list(eventually(lambda: _stored(db, study_id).safety)) == STUDY1_SAFETY

    # The Word report from the Report page carries study 1 as typed.
    with open_store(db) as store:
        set_role(store, study_id, "key", LEE)
        assert [s.id for s in list_studies(store) if s.role == "key"] == [study_id]
    go_to(page, "Report")
    button(page, "Prepare the report files").click()
    download_word = main.get_by_role("button", name="Download Word")
    download_word.wait_for(timeout=30_000)
    with page.expect_download() as download:
        download_word.click()
    out = tmp_path / "report.docx"
    download.value.save_as(out)
    _assert_study_1_in_word(out)


def _study_tables(path, heading: str) -> tuple[list[list[list[str]]], list[str]]:
    """The tables and paragraphs under a study's heading in a Word file (its subheadings
    included), up to the next heading of the same or a higher level."""
    tables, texts, level = [], [], None
    for item in docx.Document(str(path)).iter_inner_content():
        style = item.style.name if isinstance(item, Paragraph) else ""
        if level is None:
            if style.startswith("Heading") and item.text == heading:
                level = style
            continue
        if style.startswith("Heading") and style <= level:
            break
        if isinstance(item, Table):
            tables.append([[cell.text for cell in row.cells] for row in item.rows])
        else:
            texts.append(item.text)
    return tables, texts


def _assert_study_1_in_word(path) -> None:
    tables, texts = _study_tables(path, "Study 1 Cazzato RL (2016)")
    details = {row[0]: row[1] for row in tables[0][1:]}
    assert list(details) == [label for _, label in DETAIL_ROWS]
    for name, label in DETAIL_ROWS:
        if name == "analysis":
            assert details[label].split("\n") == [
                f"{part_label}: {getattr(STUDY1, part)}" for part, part_label in ANALYSIS_PARTS
            ]
        else:
            assert details[label] == getattr(STUDY1, name), label
    assert "Number of patients analysed: 20" in texts
    safety = tables[-1]
    assert ["Pain", "2/20 (10%)", "per patient", "minor", "1 week"] in safety
    assert any("No major complications" in row[0] for row in safety)


# -- writes land on the study on screen (issue 10, part 1) -----------------------------------------


def _all_safety(db) -> dict[int, list[str]]:
    with open_store(db) as store:
        return {s.id: [f.event for f in s.safety] for s in list_studies(store) if s.safety}


def _add_safety(page, db, event: str, n: int, total: int, stored: int) -> None:
    """Add a finding through the form; returns once ``stored`` findings are in the review,
    whichever study they went to (the test asserts where)."""
    choose(page, "Event", event)
    fill(page, "n", n)
    fill(page, "N", total)
    button(page, "Add safety finding").click()
    current_elements(page).get_by_text(
        re.compile(r"safety findings? saved|Nothing was saved")
    ).wait_for()
    wait_idle(page)
    eventually(lambda: sum(map(len, _all_safety(db).values())) >= stored)


def test_renaming_a_study_keeps_every_later_write_on_that_study(cazzato, serve, new_page):
    """The issue's case: pick a study, rename it, save its details, add a safety finding twice.
    Both findings belong to the study picked, and the selector and the body keep showing it."""
    db, _ = cazzato
    with open_store(db) as store:
        [picked] = [s for s in list_studies(store) if s.label == "von Falck 2022"]
        first_listed = list_studies(store)[0]
    assert picked.id != first_listed.id  # a reset of the selector would show another study
    base = serve(db)
    page = new_page()
    page.goto(f"{base}/extraction")
    sign_in(page, "lee")
    main = current_elements(page)
    main.get_by_role("heading", name="Extraction", exact=True).wait_for()
    wait_idle(page)

    selector = main.get_by_role("combobox", name="Study", exact=True)
    selector.click()
    page.get_by_role("option", name=f"Study {picked.id}: von Falck 2022").first.click()
    wait_idle(page)
    main.get_by_text(f"Study {picked.id} · undecided").wait_for()
    label = main.get_by_label("Study label", exact=True)
    expect(label).to_have_count(1, timeout=15_000)  # the previous study's form is gone
    expect(label).to_have_value("von Falck 2022")

    fill(page, "Study label", "von Falck 2022 (renamed)")
    button(page, "Save study details").click()
    main.get_by_text("Study details saved.").wait_for()
    wait_idle(page)
    assert eventually(lambda: _stored(db, picked.id).label == "von Falck 2022 (renamed)")

    _add_safety(page, db, "Pain", 1, 10, stored=1)
    _add_safety(page, db, "Bleeding", 2, 10, stored=2)

    assert eventually(lambda: _all_safety(db) == {picked.id: ["Pain", "Bleeding"]}), _all_safety(db)
    # The body and the selector still show the study written to, under its new label.
    main.get_by_text(f"Study {picked.id} · undecided").wait_for()
    expect(selector).to_have_value(f"Study {picked.id}: von Falck 2022 (renamed) (undecided)")


# -- beside the abstract: suggestions, the efficacy add form, its draft (issue 16) -----------------


@pytest.fixture
def prologo(tmp_path):
    """The IPG747 review with Prologo 2017's illustrative abstract and a lead account; returns
    (review file, Prologo's study id)."""
    db = tmp_path / "review.db"
    ris = with_abstracts(tmp_path, {"Percutaneous image-guided": PROLOGO_ABSTRACT})
    made = build_review(db, lead="lee", ris=ris)
    with open_store(db) as store:
        add_reviewer(store, "lee", "lead", PASSWORDS["lee"], by=LEE)
    [study_id] = [s.id for s in made if s.label == "Prologo 2017"]
    return db, study_id


def _all_efficacy(db) -> dict[int, tuple]:
    with open_store(db) as store:
        return {s.id: s.efficacy for s in list_studies(store) if s.efficacy or s.safety}


def _draft_value(db, study_id: int):
    with open_store(db) as store:
        found = draft(store, LEE, study_id)
    return (found.parts.get("efficacy_form") or {}).get("value") if found else None


def _use(page, study_id: int, described: str) -> None:
    """Click Use on the suggestion described so (each sits in its own keyed container)."""
    box = page.locator(f'[class*="st-key-extraction_suggestion_{study_id}_"]').filter(
        has_text=described
    )
    expect(box).to_have_count(1)
    box.get_by_role("button", name="Use").click()
    wait_idle(page)


def _open_prologo(page, base: str, study_id: int) -> None:
    page.goto(f"{base}/extraction?study={study_id}")
    sign_in(page, "lee")
    main = current_elements(page)
    main.get_by_role("heading", name="Extraction", exact=True).wait_for()
    main.get_by_text("VAS 6.2 → 2.3 at 45 days, p<0.0001").first.wait_for()  # the abstract
    wait_idle(page)


def test_a_suggestion_accepted_and_edited_lands_on_the_study_on_screen(prologo, serve, new_page):
    db, study_id = prologo
    page = new_page()
    _open_prologo(page, serve(db), study_id)

    _use(page, study_id, "45 days: 2.3 (p<0.0001)")
    expect(current_elements(page).get_by_label("Value", exact=True)).to_have_value("2.3")
    expect(current_elements(page).get_by_label("p-value", exact=True)).to_have_value("<0.0001")
    fill(page, "Measure", "Mean pain score (VAS 0 to 10)")
    fill(page, "Analysed", 21)
    page.keyboard.press("Tab")
    wait_idle(page)
    assert _all_efficacy(db) == {}  # accepted into the form, edited: still nothing stored

    button(page, "Add efficacy finding").click()
    current_elements(page).get_by_text("1 efficacy findings saved.").wait_for()
    wait_idle(page)
    # Only the suggestion added, on the study on screen; those not taken stored nothing.
    assert eventually(lambda: _all_efficacy(db)) == {study_id: (STUDY2_PAIN[2],)}
    with open_store(db) as store:
        assert study(store, study_id).safety == ()
        assert draft(store, LEE, study_id) is None


def test_the_half_filled_form_is_kept_across_pages(prologo, serve, new_page):
    db, study_id = prologo
    page = new_page()
    _open_prologo(page, serve(db), study_id)

    _use(page, study_id, "45 days: 2.3 (p<0.0001)")
    time_point = current_elements(page).get_by_label("Time point (e.g. 45 days)", exact=True)
    expect(time_point).to_have_value("45 days")  # the form filled, as the reviewer sees it
    fill(page, "Value", "2.4")
    page.keyboard.press("Tab")
    wait_idle(page)
    assert eventually(lambda: _draft_value(db, study_id) == "2.4")

    go_to(page, "Studies")
    go_to(page, "Extraction")
    main = current_elements(page)
    main.get_by_text(f"Study {study_id} · undecided").wait_for()
    expect(main.get_by_label("Value", exact=True)).to_have_value("2.4")
    expect(main.get_by_label("Time point (e.g. 45 days)", exact=True)).to_have_value("45 days")
    assert _all_efficacy(db) == {}

    button(page, "Add efficacy finding").click()
    main.get_by_text("1 efficacy findings saved.").wait_for()
    wait_idle(page)
    [saved] = eventually(lambda: _all_efficacy(db).get(study_id))
    assert (saved.measure, saved.timepoint, saved.value) == ("VAS", "45 days", "2.4")
    assert _draft_value(db, study_id) is None


def _table_draft(db, study_id: int) -> list[str]:
    with open_store(db) as store:
        found = draft(store, LEE, study_id)
    rows = (found.parts.get("efficacy") or {}).get("rows", []) if found else []
    return [r["value"] for r in rows]


def _edit_cell(page, study_id: int, *, right: int, was: str) -> None:
    """Open the editor of a cell of the efficacy table's first row: the grid is a canvas, so
    click its first cell and move with the keyboard once the grid has the focus (arrows pressed
    before it has are lost); checked by the value the editor opens on (a click during a rerun
    can miss, and is tried again from the grid's left edge: the arrows scrolled it sideways)."""
    grid = page.locator(f'[class*="st-key-extraction_efficacy_{study_id}_"]')
    canvas = grid.locator('[data-testid="data-grid-canvas"]')
    editor = page.locator("#portal textarea, #portal input").first
    seen: list[str | None] = []
    for _ in range(6):
        wait_idle(page)
        grid.locator(".dvn-scroller").evaluate("e => { e.scrollLeft = 0; }")
        canvas.scroll_into_view_if_needed()
        box = canvas.bounding_box()
        page.mouse.click(box["x"] + 60, box["y"] + 36 + 17)  # row 1's first cell
        try:
            expect(canvas).to_be_focused(timeout=5_000)
        except AssertionError:
            seen.append("no focus")
            continue
        for _ in range(right):
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")
        try:
            editor.wait_for(timeout=5_000)
        except PlaywrightTimeout:
            seen.append(None)
            page.keyboard.press("Escape")
            continue
        value = editor.input_value()
        if value == was:
            return
        seen.append(value)
        page.keyboard.press("Escape")
    raise AssertionError(f"could not open the cell holding {was!r}; the editor held {seen}")


def _keys_handled(page) -> None:
    """Until the page has run what the keys typed so far scheduled.

    The grid's cell editor (Glide Data Grid, inside Streamlit) handles each key in a zero-delay
    timer that reads which key ended the edit; if Enter comes before the previous key's timer has
    run, that timer ends the edit without saving it, and Enter's own timer finds the edit over:
    the typed value is dropped and the selection moves down (glideapps/glide-data-grid#1201).
    Playwright sends keys faster than Chromium runs timers (input goes first); a person's keys
    come tens of milliseconds apart. Timers of equal delay run in order, so one queued now
    runs after every timer the keys queued.
    """
    page.evaluate("() => new Promise((done) => setTimeout(done, 0))")


def test_an_edit_in_the_efficacy_table_is_kept_across_pages_then_saved(prologo, serve, new_page):
    """The grid's edit (a cell typed in, not saved) survives another page: back on the study the
    edited rows are drawn again, and Save stores the edit on that study."""
    db, study_id = prologo
    with open_store(db) as store:
        save_findings(store, study_id, LEE, efficacy=STUDY2_PAIN)
    page = new_page()
    _open_prologo(page, serve(db), study_id)

    _edit_cell(page, study_id, right=4, was="6.2")  # row 1: outcome, measure, time, analysed, value
    page.keyboard.press("Control+A")
    page.keyboard.type("6.3")
    expect(page.locator("#portal textarea, #portal input").first).to_have_value("6.3")
    _keys_handled(page)  # what the reviewer sees typed is what Enter keeps
    page.keyboard.press("Enter")
    wait_idle(page)
    kept = eventually(lambda: _table_draft(db, study_id) == ["6.3", "5.4", "2.3", "2.0"], 10)
    assert kept, _table_draft(db, study_id)
    assert _all_efficacy(db)[study_id] == tuple(STUDY2_PAIN)  # kept as a draft, not saved

    go_to(page, "Studies")
    go_to(page, "Extraction")
    main = current_elements(page)
    main.get_by_text("Your efficacy edits are not saved yet").wait_for()
    button(page, "Save efficacy findings").click()
    main.get_by_text("4 efficacy findings saved.").wait_for()
    wait_idle(page)
    saved = eventually(lambda: _all_efficacy(db)[study_id][0].value == "6.3" and _all_efficacy(db))
    assert saved[study_id] == (replace(STUDY2_PAIN[0], value="6.3"), *STUDY2_PAIN[1:])
    assert _table_draft(db, study_id) == []


def _one_page_pdf(words: str) -> bytes:
    """A valid one-page PDF that prints ``words`` (offsets in its xref table computed)."""
    stream = f"BT /F1 24 Tf 30 100 Td ({words}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref,
    )  # fmt: skip


DARK_PIXELS = """c => {
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let dark = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && d[i] < 100) dark++;
  return dark;
}"""


def test_the_kept_pdf_is_drawn_beside_the_forms(prologo, serve, new_page):
    """st.pdf (the streamlit-pdf component, its PDF.js bundled) draws the page offline."""
    # Checked without importing it (importing it outside a Streamlit server fails).
    assert find_spec("streamlit_pdf") is not None, (
        "streamlit-pdf, a dependency in pyproject.toml, is missing: run `bash scripts/setup`"
    )
    db, study_id = prologo
    with open_store(db) as store:
        [record] = study(store, study_id).records
        keep_full_text(store, LEE, record.record_id, "prologo.pdf", _one_page_pdf("Hello PDF"))
    page = new_page()
    _open_prologo(page, serve(db), study_id)
    viewer = page.locator(f".st-key-extraction_pdf_{study_id}_{record.record_id}")
    viewer.scroll_into_view_if_needed()
    canvas = viewer.locator("canvas").first
    canvas.wait_for()
    deadline = time.monotonic() + 10
    while canvas.evaluate(DARK_PIXELS) == 0 and time.monotonic() < deadline:
        time.sleep(0.1)  # PDF.js draws after the canvas is there
    assert canvas.evaluate(DARK_PIXELS) > 0  # the words were drawn, not an empty frame

"""User text in a real browser: shown literally (no link, image, emphasis or math made from it),
full texts kept as versions through the page, and no table offers its own CSV download."""

from __future__ import annotations

import pytest

from review.screening.full_text import full_text_versions
from review.store import open_store
from tests.browser.harness import current_elements, go_to, main_area, sign_in, wait_idle
from tests.ui.payload_review import FILE_PAYLOAD, LEAD, PASSWORD, PAYLOAD, build_payload_review

pytestmark = pytest.mark.browser

# Elements the payload would make if rendered, and headings' text. Our own markup on these
# pages: <b>Keywords:</b> of a record, <em>(main report)</em> of a study, headings' "#"
# anchors; no other link (the records have no PMID or DOI).
RENDERED = "strong, em, b, img, .katex, del, a:not([href^='#'])"
OURS = {("B", "Keywords:"), ("EM", "(main report)")}
HEADINGS = "h1, h2, h3, h4, h5, h6"


def literal(page) -> None:
    main = main_area(page)
    made = [
        (e.evaluate("e => e.tagName"), e.inner_text().strip(), e.evaluate("e => e.outerHTML"))
        for e in main.locator(RENDERED).all()
    ]
    assert [html for tag, text, html in made if (tag, text) not in OURS] == []
    headings = main.locator(HEADINGS).all_inner_texts()
    assert not [h for h in headings if h.strip() == "heading"], headings  # from "# heading"


def test_payloads_show_literally_and_pdfs_are_kept_as_versions(tmp_path, serve, new_page):
    db = build_payload_review(tmp_path / "review.db", tmp_path)
    page = new_page()
    page.goto(serve(db))
    sign_in(page, LEAD.name, PASSWORD, LEAD.role)  # a name full of markup signs in as text

    go_to(page, "Full text")
    main = current_elements(page)
    main.get_by_role("button", name="Download the full text (version 2, v2").wait_for()
    label = main.get_by_role("button", name="Download the full text").inner_text()
    assert f"v2 {FILE_PAYLOAD}.pdf" in label  # the file name exactly as it was uploaded
    literal(page)

    # An upload that is not a PDF is refused with its name; a PDF becomes version 3.
    chooser = main.locator('input[type="file"]')
    record_id = int(page.locator("h3.record-title").get_attribute("data-record-id"))
    chooser.set_input_files(
        files=[{"name": f"{FILE_PAYLOAD}.pdf", "mimeType": "application/pdf", "buffer": b"<html>"}]
    )
    main.get_by_text("is not a PDF (a PDF file starts with %PDF-)").wait_for()
    shown = main.locator('[data-testid="stAlert"]').inner_text()
    assert f"{FILE_PAYLOAD}.pdf is not a PDF" in shown
    literal(page)
    chooser.set_input_files(
        files=[{"name": "v3.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7 v3"}]
    )
    main.get_by_text(f"v3.pdf kept as version 3 of record {record_id}'s full text.").wait_for()
    with open_store(db) as store:
        versions = full_text_versions(store, record_id)
    assert [(v.version, v.uploaded_by) for v in versions] == [
        (3, LEAD.name),
        (2, "bob " + PAYLOAD),
        (1, "ann " + PAYLOAD),
    ]

    go_to(page, "Conflicts")
    main.get_by_text(f"ann {PAYLOAD}: include").wait_for()
    assert "[link](http://x.test)" in main_area(page).inner_text()
    literal(page)

    go_to(page, "Extraction")
    heading = main.locator("h3", has_text="Smith")  # the study's first author, from the record
    heading.wait_for()
    assert f"Smith {PAYLOAD}" in heading.inner_text()
    literal(page)


def test_tables_offer_no_csv_download_of_their_own(tmp_path, serve, new_page):
    db = build_payload_review(tmp_path / "review.db", tmp_path)
    page = new_page()
    page.goto(serve(db))
    sign_in(page, LEAD.name, PASSWORD, LEAD.role)
    go_to(page, "Records")
    table = current_elements(page).locator('[data-testid="stDataFrame"]').first
    table.hover()
    toolbar = current_elements(page).locator('[data-testid="stElementToolbar"]').first
    toolbar.wait_for()
    wait_idle(page)
    names = [
        b.get_attribute("aria-label") or b.inner_text() for b in toolbar.locator("button").all()
    ]
    assert names, "the table's toolbar did not show: the check would prove nothing"
    assert not [n for n in names if "download" in (n or "").lower()], names
    # Our own export is there instead (neutralised by review.exports).
    current_elements(page).get_by_role("button", name="Download all records (CSV)").wait_for()

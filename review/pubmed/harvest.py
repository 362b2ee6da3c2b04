"""Harvesting a PubMed search completely into the review database.

PubMed pages only the first 9,999 hits of a query, whatever its count. A larger query is split
into entry-date (EDAT) ranges, halving each range until every slice is under the cap, and the
slices' PMIDs are checked against NCBI's count. A date window (a slice, an update's "entered
since") goes to esearch as its own ``datetype``/``mindate``/``maxdate`` parameters; the saved
search's own date limits then move into the term. PubMed may call a window that no record falls
in a phrase not found, drop it and answer the whole query's count: such a window holds nothing,
so it is never split further and nothing of it is fetched or taken as new.

Every slice and every efetch page is stored in its own transaction, and each PMID a run owes is
recorded before anything is fetched, so an interrupted run resumes by fetching only what is still
missing. A ``progress`` callback (``review.progress``) is told two steps per run: "NAME:
searching PubMed" (PMIDs listed of PubMed's count) and "NAME: fetching records" (records stored
of those owed), the latter from the writer thread.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from review.errors import DatabaseError, NetworkError, QueryError, SearchError
from review.progress import Progress
from review.pubmed.eutils import EsearchResult, EutilsClient, HistoryExpired
from review.pubmed.model import SearchRun, Slice
from review.pubmed.writer import PageWriter, worker_processes

if TYPE_CHECKING:
    from review.store import Store

CAP = 9999  # PubMed's esearch refuses retstart above 9998: only 9,999 hits can be paged
PAGE_SIZE = 500
EARLIEST = date(1700, 1, 1)  # before PubMed's oldest entry date


@dataclass(frozen=True)
class SearchSpec:
    name: str
    query: str
    mindate: str | None = None
    maxdate: str | None = None
    datetype: str | None = None  # which date mindate/maxdate limit: pdat (default), edat, mdat


@dataclass(frozen=True)
class RunResult:
    run_id: int
    search: str
    status: str
    ncbi_count: int
    retrieved: int
    new: int
    already_present: int
    deleted: int
    query_translation: str
    warnings: tuple[str, ...]
    errors: tuple[str, ...]
    message: str = ""


# The search tag of each esearch datetype, for a saved limit moved into the term.
DATE_TAGS = {"pdat": "DP", "edat": "EDAT", "mdat": "LR"}
# How PubMed may name each date field in a translation or a PhraseNotFound item.
_DATE_WORDS = {
    "pdat": ("pdat", "[dp]", "date - publication", "publication date"),
    "edat": ("edat", "date - entry", "date - entrez"),
    "mdat": ("mdat", "[lr]", "date - modification"),
}


def limit_clause(datetype: str | None, mindate: str | None, maxdate: str | None) -> str:
    """A saved search's date limits as a term, for when the parameters carry a window."""
    tag = DATE_TAGS[datetype or "pdat"]
    return f'"{mindate or "1000"}"[{tag}] : "{maxdate or "3000"}"[{tag}]'


def esearch_args(
    query: str,
    limits: dict,
    start: date | None,
    end: date | None,
) -> tuple[str, dict[str, str]] | None:
    """The term and date parameters of one esearch; None when the window is empty.

    Without a window the saved limits (``limits``: mindate, maxdate, datetype) are the
    parameters. With one, the entry-date window is the parameters: a saved entry-date limit
    narrows it, any other saved limit joins the term.
    """
    mindate, maxdate = limits.get("mindate"), limits.get("maxdate")
    datetype = limits.get("datetype") or "pdat"
    saved = bool(mindate or maxdate)
    if start is None and end is None:
        if not saved:
            return query, {}
        return query, {
            "datetype": datetype,
            "mindate": mindate or "1000",
            "maxdate": maxdate or "3000",
        }
    lo, hi = start or EARLIEST, end or _tomorrow()
    term = query
    if saved and datetype == "edat":
        lo = max(lo, _bound(mindate, upper=False) or lo)
        hi = min(hi, _bound(maxdate, upper=True) or hi)
    elif saved:
        term = f"({query}) AND ({limit_clause(datetype, mindate, maxdate)})"
    if lo > hi:
        return None
    return term, {"datetype": "edat", "mindate": f"{lo:%Y/%m/%d}", "maxdate": f"{hi:%Y/%m/%d}"}


def _bound(text: str | None, *, upper: bool) -> date | None:
    """A PubMed date (YYYY, YYYY/MM, YYYY/MM/DD) as its first or last day."""
    if not text:
        return None
    try:
        parts = [int(p) for p in re.split(r"[/\-.]", text.strip()) if p]
        year, month = parts[0], parts[1] if len(parts) > 1 else (12 if upper else 1)
        if len(parts) > 2:
            return date(year, month, parts[2])
        if not upper:
            return date(year, month, 1)
        following = date(year + (month == 12), month % 12 + 1, 1)
        return following - timedelta(days=1)
    except (ValueError, IndexError):
        raise QueryError(
            f"The saved search's date {text!r} is not a date PubMed reads; write it as YYYY, "
            "YYYY/MM or YYYY/MM/DD and run the search again."
        ) from None


def dropped_limit(
    result: EsearchResult, sent: dict[str, str], whole: Callable[[], int]
) -> str | None:
    """What PubMed said when it dropped the date limit ``sent``, or None if it kept it.

    PubMed's own sign is an ErrorList PhraseNotFound naming the limit. Without one, a
    translation that shows no date limit and a count equal to the whole query's (``whole``,
    asked only then) mean the same.
    """
    if not sent:
        return None
    words = _DATE_WORDS.get(sent.get("datetype", "pdat"), ()) + (sent["mindate"], sent["maxdate"])
    for phrase in result.not_found:
        if any(w in phrase.lower() for w in words):
            return f"ErrorList PhraseNotFound '{phrase}'"
    translation = result.query_translation.lower()
    shown = any(w in translation for w in words)
    if result.count and translation and not shown and result.count == whole():
        return f"a translation with no date limit ({result.query_translation})"
    return None


def _tomorrow() -> date:
    return datetime.now(UTC).date() + timedelta(days=1)


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


class Harvest:
    """One run of one saved search: search phase (slices, PMIDs), then fetch phase (records)."""

    def __init__(
        self,
        store: Store,
        client: EutilsClient,
        *,
        page_size: int = PAGE_SIZE,
        progress: Progress | None = None,
        processes: int | None = None,
    ):
        self.store = store
        self.client = client
        self.page_size = page_size
        self.processes = processes  # worker processes for building records (None: by size)
        self.progress = progress
        self.name = ""  # the saved search's name, which the progress steps carry
        self.fresh_webenvs: set[str] = set()  # WebEnvs made in this process: still on NCBI
        self.warnings: list[str] = []
        self.errors: list[str] = []
        self.dropped: list[str] = []  # windows whose date limit PubMed dropped (they hold none)
        self._whole: dict[str, int] = {}  # the count of a term without date parameters
        self._listed = [0, 0]  # PMIDs listed so far, PubMed's count: the search step's progress
        self._fetched: Callable[[int], None] = lambda count: None  # records stored: progress

    def run(
        self, spec: SearchSpec, *, kind: str = "search", since: date | None = None
    ) -> RunResult:
        limits = {"mindate": spec.mindate, "maxdate": spec.maxdate, "datetype": spec.datetype}
        self.name = spec.name
        search_id = self.store.save_search(spec.name, spec.query, **limits)
        run = self.store.unfinished_run(search_id, kind)
        if run is not None:  # an interrupted run of the same kind: finish it rather than restart
            run_id, params = run.id, run.params
            self.warnings = list(run.warnings)
            self.errors = list(run.errors)
        else:
            until = _tomorrow() if since else None
            asked = esearch_args(spec.query, limits, since, until)
            term, window = asked if asked else (spec.query, {})
            params = {
                "query": spec.query,
                "term": term,  # as sent, with the date parameters below
                "date_params": window,
                "mindate": spec.mindate,
                "maxdate": spec.maxdate,
                "datetype": spec.datetype,
                "edat_from": _iso(since),
                "edat_to": _iso(until),
                "endpoint": self.client.config.base_url,
                "page_size": self.page_size,
                "api_key": bool(self.client.config.api_key),
            }
            run_id = self.store.start_run(search_id, kind, params)
            run = self.store.run(run_id)
        self.store.update_run(run_id, status="running", message=None)
        try:
            if run.phase == "searching":
                self._search_phase(run_id, params)
            self._fetch_phase(run_id)
        except (KeyboardInterrupt, NetworkError, DatabaseError) as exc:
            # Left resumable: the next run of this search continues from what is stored.
            reason = "interrupted" if isinstance(exc, KeyboardInterrupt) else str(exc)
            with contextlib.suppress(DatabaseError):  # a full disk may refuse this too
                self.store.update_run(run_id, status="interrupted", message=reason)
            raise
        except SearchError as exc:
            self.errors.append(str(exc))
            self.store.finish_run(run_id, "failed", message=str(exc), errors=self.errors)
            raise
        return self._finish(run_id, spec.name)

    # -- search phase ---------------------------------------------------------------------------

    def _esearch(
        self, params: dict, start: date | None, end: date | None, *, root: bool = False
    ) -> EsearchResult:
        """One esearch of the run; a window whose date limit PubMed dropped answers 0."""
        limits = {k: params.get(k) for k in ("mindate", "maxdate", "datetype")}
        asked = esearch_args(params["query"], limits, start, end)
        if asked is None:  # the saved limits and the window do not meet
            return EsearchResult(count=0, pmids=())
        term, dates = asked
        result = self.client.esearch(
            term,
            retmax=CAP,
            datetype=dates.get("datetype"),
            mindate=dates.get("mindate"),
            maxdate=dates.get("maxdate"),
        )
        said = dropped_limit(result, dates, lambda: self._whole_count(term))
        if said is None:
            self._keep(result, start, end, root)
            return result
        windowed = start is not None or end is not None
        span = f"entered {start or EARLIEST} to {end or _tomorrow()}" if windowed else ""
        limit = f"the date limit {dates['mindate']}-{dates['maxdate']} [{dates['datetype']}]"
        self.dropped.append(span or limit)
        self._note(
            self.warnings,
            f"PubMed dropped {limit}{f' ({span})' if span else ''}: it answered with {said} "
            f"and the whole search's count, {result.count:,}. No record falls in that window, so "
            "it was taken as empty: nothing in it was fetched or counted as new.",
        )
        named = [f"'{p}'" for p in result.not_found if f"'{p}'" in said]
        kept = tuple(e for e in result.errors if not any(n in e for n in named))
        self._keep(replace(result, errors=kept), start, end, root)
        return EsearchResult(count=0, pmids=(), query_translation=result.query_translation)

    def _whole_count(self, term: str) -> int:
        """The count of ``term`` without date parameters (asked once per run and term)."""
        if term not in self._whole:
            self._whole[term] = self.client.esearch(term, retmax=0).count
        return self._whole[term]

    def _keep(self, result: EsearchResult, start: date | None, end: date | None, root: bool):
        """Every ErrorList/WarningList item of the run, once; a slice's own with its dates."""
        for found, into in ((result.errors, self.errors), (result.warnings, self.warnings)):
            for message in found:
                # "No items found" for an empty slice or update window only restates its count
                # (a nightly update would print it every night); for a whole search it is news
                restated = result.count == 0 and message.startswith("PubMed says: No items found")
                if root and not (restated and start is not None):
                    self._note(into, message)
                elif not root and message not in into and not restated:
                    self._note(into, f"Entered {start} to {end}: {message}")

    @staticmethod
    def _note(into: list[str], message: str) -> None:
        if message not in into:
            into.append(message)

    def _search_phase(self, run_id: int, params: dict) -> None:
        start, end = _date(params["edat_from"]), _date(params["edat_to"])
        done = {(s.edat_from, s.edat_to): s.count for s in self.store.slices(run_id)}
        root = self._esearch(params, start, end, root=True)
        self._listed = [sum(done.values()), root.count]  # PMIDs listed, of PubMed's count
        self._tell_listed(0)
        self.store.update_run(
            run_id,
            ncbi_count=root.count,
            query_translation=root.query_translation,
            warnings=self.warnings,
            errors=self.errors,
        )
        if root.count <= CAP:
            self._save(run_id, start, end, root)
        else:
            self._split(run_id, params, start or EARLIEST, end or _tomorrow(), done)
        hits = sum(self.store.hit_counts(run_id).values())
        if self.progress is not None:  # the step ends with what was listed, whatever the count
            self.progress(f"{self.name}: searching PubMed", hits, hits)
        if hits < root.count:
            self.errors.append(
                f"PubMed counted {root.count:,} records but the date slices returned only "
                f"{hits:,} distinct PMIDs; records may have been removed from PubMed while "
                "harvesting. Run the search again to check."
            )
        elif hits > root.count:
            self.warnings.append(
                f"PubMed counted {root.count:,} records; the date slices returned {hits:,}, "
                "probably because records were added to PubMed while harvesting. All are kept."
            )
        self.store.update_run(run_id, phase="fetching", warnings=self.warnings, errors=self.errors)

    def _save(self, run_id: int, start, end, result: EsearchResult) -> None:
        if len(result.pmids) < min(result.count, CAP):
            # NCBI's count and its list can disagree by a record or two (a record withdrawn in
            # between); the completeness check at the end of the search phase reports it.
            span = f" entered {start} to {end}" if start else ""
            self.warnings.append(
                f"PubMed counted {result.count:,} records{span} but listed {len(result.pmids):,}."
            )
        self.store.save_slice(
            run_id,
            _iso(start),
            _iso(end),
            result.count,
            result.pmids,
            result.webenv or None,
            result.query_key or None,
        )
        if result.webenv:
            self.fresh_webenvs.add(result.webenv)
        self._tell_listed(len(result.pmids))

    def _tell_listed(self, more: int) -> None:
        self._listed[0] += more
        listed, count = self._listed
        if self.progress is not None:  # held short of the end, which the phase reports
            self.progress(f"{self.name}: searching PubMed", min(listed, max(count - 1, 0)), count)

    def _split(self, run_id: int, params: dict, start: date, end: date, done: dict) -> None:
        """Halve an entry-date range until each part is under the cap (depth first, in order)."""
        stack = [(start, end)]
        while stack:
            lo, hi = stack.pop()
            if (lo.isoformat(), hi.isoformat()) in done:
                continue  # stored by the interrupted run this one resumes
            result = self._esearch(params, lo, hi)
            if result.count <= CAP:
                self._save(run_id, lo, hi, result)
                continue
            if lo == hi:
                self._save(run_id, lo, hi, result)
                self.errors.append(
                    f"PubMed entered {result.count:,} matching records on {lo:%Y-%m-%d}, more "
                    f"than the {CAP:,} it lets anyone page through; only {CAP:,} were harvested "
                    "for that day. Narrow the query (for example by publication type) to get all."
                )
                continue
            mid = lo + (hi - lo) // 2
            stack.append((mid + timedelta(days=1), hi))
            stack.append((lo, mid))
            self._tell_listed(0)  # a range split, nothing listed yet: still going

    # -- fetch phase ----------------------------------------------------------------------------

    def _fetch_phase(self, run_id: int) -> None:
        self.store.link_stored_hits(run_id)
        wanted = set(self.store.pending_hits(run_id))
        total = sum(self.store.hit_counts(run_id).values())
        done = total - len(wanted)
        step = f"{self.name}: fetching records"

        told = threading.Lock()  # two threads tell it: the count only ever goes up

        def stored(count: int) -> None:  # on the writer thread after each commit; 0: a page
            nonlocal done  # downloaded, not stored yet (on the harvesting thread)
            if self.progress is None:
                return
            with told:
                done += count
                self.progress(step, done, total)

        self._fetched = stored

        stored(0)
        processes = worker_processes(len(wanted), self.processes)
        writing = PageWriter(self.store, run_id, wanted, processes=processes, on_stored=stored)
        with writing as writer:
            where = f"search run {run_id}"
            for piece in self.store.slices(run_id):
                pending = self.store.pending_hits(run_id, piece.id)
                if not pending:
                    continue
                if (
                    piece.webenv in self.fresh_webenvs
                    and len(pending) == piece.count
                    and piece.count <= CAP
                ):
                    self._fetch_history(writer, piece, where)
                    writer.flush()
                    pending = self.store.pending_hits(run_id, piece.id)
                self._fetch_ids(writer, pending, where)
            writer.flush()
            missing = self.store.pending_hits(run_id)
            if missing:  # efetch left some out: one more try each, then say which
                self._fetch_ids(writer, missing, f"{where}, retry")
                writer.flush()
                missing = self.store.pending_hits(run_id)
        if missing:
            shown = ", ".join(missing[:10]) + (" ..." if len(missing) > 10 else "")
            self.errors.append(
                f"PubMed listed {len(missing):,} PMIDs that efetch did not return ({shown}). "
                "Run the search again later to fetch them."
            )

    def _fetch_history(self, writer: PageWriter, piece: Slice, where: str) -> None:
        webenv, query_key = piece.webenv, piece.query_key
        if webenv is None or query_key is None:
            return  # no history on NCBI for this slice: the caller fetches it by PMID
        for retstart in range(0, piece.count, self.page_size):
            page = f"{where}, records {retstart + 1}-{retstart + self.page_size}"
            try:
                chunks = self.client.efetch_history(
                    webenv, query_key, retstart, self.page_size, where=page
                )
            except HistoryExpired:
                self.fresh_webenvs.discard(webenv)
                return  # the caller fetches what is left by PMID
            writer.put(chunks, page)
            self._fetched(0)

    def _fetch_ids(self, writer: PageWriter, pmids: list[str], where: str) -> None:
        for start in range(0, len(pmids), self.page_size):
            batch = pmids[start : start + self.page_size]
            page = f"{where}, PMIDs {batch[0]}..{batch[-1]}"
            writer.put(self.client.efetch_ids(batch, where=page), page)
            self._fetched(0)

    # -- end ------------------------------------------------------------------------------------

    def _finish(self, run_id: int, name: str) -> RunResult:
        counts = self.store.hit_counts(run_id)
        totals = self.store.run_totals(run_id)
        run = self.store.run(run_id)
        status = "incomplete" if self.errors and self._lost_records(run, counts) else "complete"
        message = f"{totals['new']:,} new, {totals['present']:,} already in the review"
        if counts.get("deleted"):
            message += f", {counts['deleted']:,} deleted from PubMed"
        if self.dropped:
            shown = "; ".join(self.dropped[:3]) + (" ..." if len(self.dropped) > 3 else "")
            message += (
                f"; PubMed dropped the date limit of {len(self.dropped)} window(s) that hold "
                f"no records ({shown}) and answered the whole search's count: taken as empty"
            )
        self.store.finish_run(
            run_id,
            status,
            retrieved=totals["linked"],
            new_records=totals["new"],
            already_present=totals["present"],
            deleted=counts.get("deleted", 0),
            warnings=self.warnings,
            errors=self.errors,
            message=message,
        )
        return RunResult(
            run_id=run_id,
            search=name,
            status=status,
            ncbi_count=run.ncbi_count or 0,
            retrieved=totals["linked"],
            new=totals["new"],
            already_present=totals["present"],
            deleted=counts.get("deleted", 0),
            query_translation=run.query_translation or "",
            warnings=tuple(self.warnings),
            errors=tuple(self.errors),
            message=message,
        )

    @staticmethod
    def _lost_records(run: SearchRun, counts: dict) -> bool:
        """Whether the run holds fewer records than PubMed said it would."""
        held = counts.get("stored", 0) + counts.get("deleted", 0)
        return bool(counts.get("pending")) or held < (run.ncbi_count or 0)


def run_search(store: Store, client: EutilsClient, spec: SearchSpec, **options) -> RunResult:
    kind = options.pop("kind", "search")
    since = options.pop("since", None)
    return Harvest(store, client, **options).run(spec, kind=kind, since=since)

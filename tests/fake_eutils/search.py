"""A small PubMed-like query language and an in-memory index over FakeRecord.text.

It mimics the parts of PubMed that a harvester meets: implicit AND, left-to-right Boolean
evaluation, quoted phrases, field tags (all matched against the record text), ``*`` prefix
wildcards, ``#N`` history references, and ``[EDAT]``/``[PDAT]`` date ranges. Unknown bare words are
dropped and reported, as NCBI does, because that behaviour silently widens real searches.
"""

from __future__ import annotations

import bisect
import calendar
import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field

DATE_TAGS = {
    "edat": "edat",
    "date - entrez": "edat",
    "date - entry": "edat",
    "crdt": "edat",
    "date - create": "edat",
    "pdat": "pdat",
    "dp": "pdat",
    "date - publication": "pdat",
    "publication date": "pdat",
    # modification date: the fake has none, so it stands in with the publication date
    "lr": "pdat",
    "mdat": "pdat",
    "date - modification": "pdat",
}
TEXT_TAGS = {
    "tiab": "Title/Abstract",
    "title/abstract": "Title/Abstract",
    "ti": "Title",
    "title": "Title",
    "ab": "Abstract",
    "abstract": "Abstract",
    "mh": "MeSH Terms",
    "mesh": "MeSH Terms",
    "mesh terms": "MeSH Terms",
    "majr": "MeSH Major Topic",
    "tw": "Text Word",
    "text word": "Text Word",
    "all fields": "All Fields",
    "all": "All Fields",
    "ot": "Other Term",
    "kw": "Keyword",
}
_TOKEN = re.compile(
    r'\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<colon>:)|(?P<phrase>"[^"]*")|(?P<tag>\[[^\]]*\])'
    r'|(?P<hist>#\d+)|(?P<word>[^\s()"\[\]:]+))'
)
_ALNUM = re.compile(r"[^\W_]+")


class QueryError(ValueError):
    """A query NCBI would refuse outright (unbalanced parentheses or quotes, bad dates)."""


@dataclass
class Term:
    text: str  # as typed, without quotes
    tag: str | None  # as typed, without brackets
    phrase: bool

    @property
    def label(self) -> str:
        t = f'"{self.text}"' if self.phrase else self.text
        return f"{t}[{self.tag}]" if self.tag else t


@dataclass
class DateRange:
    field: str  # "edat" | "pdat"
    lo: datetime.date
    hi: datetime.date
    label: str


@dataclass
class Hist:
    key: int


@dataclass
class Op:
    op: str  # AND | OR | NOT
    left: object
    right: object


@dataclass
class Group:
    node: object


def parse_date(text: str, upper: bool) -> datetime.date:
    """PubMed dates: YYYY, YYYY/MM or YYYY/MM/DD (also with '-'); upper=True gives the last day."""
    parts = re.split(r"[/\-.]", text.strip())
    try:
        nums = [int(p) for p in parts]
        if not 1 <= len(nums) <= 3:
            raise ValueError
        y = nums[0]
        m = nums[1] if len(nums) > 1 else (12 if upper else 1)
        last = calendar.monthrange(y, m)[1]
        d = nums[2] if len(nums) > 2 else (last if upper else 1)
        return datetime.date(y, m, d)
    except (ValueError, IndexError):
        raise QueryError(f"Invalid date: {text}") from None


def tokenize(term: str) -> list[tuple[str, str]]:
    if term.count('"') % 2:
        raise QueryError("Invalid query: unbalanced quotation marks")
    out, pos = [], 0
    while pos < len(term):
        if not term[pos:].strip():
            break
        m = _TOKEN.match(term, pos)
        if not m or m.end() == pos:
            raise QueryError(f"Invalid query near: {term[pos : pos + 20]}")
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]):
        self.toks, self.i = tokens, 0

    def peek(self) -> tuple[str, str] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> tuple[str, str]:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def expr(self):
        tok = self.peek()
        if tok and tok == ("word", "NOT"):  # leading NOT: everything except
            self.take()
            node = Op("NOT", None, self.primary())
        else:
            node = self.primary()
        while (tok := self.peek()) is not None and tok[0] != "rp":
            if tok[0] == "word" and tok[1] in ("AND", "OR", "NOT"):
                self.take()
                node = Op(tok[1], node, self.primary())
            else:  # PubMed's implicit AND, evaluated left to right
                node = Op("AND", node, self.primary())
        return node

    def primary(self):
        tok = self.peek()
        if tok is None:
            raise QueryError("Invalid query: missing term after operator")
        kind, val = self.take()
        if kind == "lp":
            node = self.expr()
            if self.peek() is None or self.peek()[0] != "rp":
                raise QueryError("Invalid query: unbalanced parentheses")
            self.take()
            return Group(node)
        if kind == "hist":
            return Hist(int(val[1:]))
        if kind not in ("word", "phrase"):
            raise QueryError(f"Invalid query: unexpected '{val}'")
        first = self._term(kind, val)
        tok = self.peek()
        if tok and tok[0] == "colon":
            self.take()
            if self.peek() is None or self.peek()[0] not in ("word", "phrase"):
                raise QueryError("Invalid query: incomplete date range")
            second = self._term(*self.take())
            tag = second.tag or first.tag
            if (tag or "").lower() not in DATE_TAGS:
                raise QueryError("Invalid query: a range needs a date field such as [EDAT]")
            return DateRange(
                DATE_TAGS[tag.lower()],
                parse_date(first.text, False),
                parse_date(second.text, True),
                f"{first.text}:{second.text}[{tag.lower()}]",
            )
        if first.tag and first.tag.lower() in DATE_TAGS:
            f = DATE_TAGS[first.tag.lower()]
            return DateRange(
                f,
                parse_date(first.text, False),
                parse_date(first.text, True),
                f"{first.text}[{first.tag.lower()}]",
            )
        return first

    def _term(self, kind: str, val: str) -> Term:
        text = val[1:-1].strip() if kind == "phrase" else val
        tag = None
        tok = self.peek()
        if tok and tok[0] == "tag":
            self.take()
            tag = tok[1][1:-1].strip()
        return Term(text, tag, kind == "phrase")


def parse(term: str):
    """Parse a PubMed query into a tree; raises QueryError for malformed input."""
    tokens = tokenize(term)
    if not tokens:
        return None
    p = _Parser(tokens)
    node = p.expr()
    if p.peek() is not None:
        raise QueryError("Invalid query: unbalanced parentheses")
    return node


def render(node) -> str:
    """The QueryTranslation NCBI would echo, without dropping anything."""
    if isinstance(node, Term):
        tag = TEXT_TAGS.get((node.tag or "all fields").lower(), node.tag)
        t = f'"{node.text.lower()}"' if node.phrase else node.text
        return f"{t}[{tag}]"
    if isinstance(node, DateRange):
        return node.label
    if isinstance(node, Hist):
        return f"#{node.key}"
    if isinstance(node, Group):
        return f"({render(node.node)})"
    left = "" if node.left is None else render(node.left) + " "
    return f"{left}{node.op} {render(node.right)}"


@dataclass
class Result:
    positions: set[int]
    translation: str
    phrase_not_found: list[str] = field(default_factory=list)
    quoted_not_found: list[str] = field(default_factory=list)


class Index:
    """Record texts and dates, appended to as the corpus grows; matches are cached per term."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.pmids: list[str] = []
        self.pos_by_pmid: dict[str, int] = {}
        self.superseded: set[int] = set()
        self._dates: dict[str, list[int]] = {"edat": [], "pdat": []}
        self._sorted: dict[str, tuple[list[int], list[int]]] = {}
        self._cache: dict[tuple, frozenset[int]] = {}
        self.drop_empty_dates = "keep"  # or "drop"/"drop-silently": see FakeEutils

    def __len__(self) -> int:
        return len(self.texts)

    def add(self, rec) -> None:
        pos = len(self.texts)
        old = self.pos_by_pmid.get(rec.pmid)
        if old is not None:
            self.superseded.add(old)
        self.pos_by_pmid[rec.pmid] = pos
        self.texts.append(rec.text.lower())
        self.pmids.append(rec.pmid)
        self._dates["edat"].append(rec.edat.toordinal())
        self._dates["pdat"].append(rec.pdat.toordinal())
        self._sorted.clear()
        self._cache.clear()

    def match(self, text: str, wildcard: bool = False) -> frozenset[int]:
        key = (text, wildcard)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        words = _ALNUM.findall(text.lower())
        if not words:
            return frozenset()
        body = r"[\W_]+".join(re.escape(w) for w in words)
        tail = r"\w*" if wildcard else r"(?!\w)"
        rx = re.compile(r"(?<![^\W_])" + body + tail)
        probe = max(words, key=len)
        hit = frozenset(
            i for i, t in enumerate(self.texts) if probe in t and rx.search(t) is not None
        )
        self._cache[key] = hit
        return hit

    def dates(self, fld: str, lo: datetime.date, hi: datetime.date) -> set[int]:
        if fld not in self._sorted:
            ords = self._dates[fld]
            order = sorted(range(len(ords)), key=ords.__getitem__)
            self._sorted[fld] = ([ords[i] for i in order], order)
        keys, order = self._sorted[fld]
        a = bisect.bisect_left(keys, lo.toordinal())
        b = bisect.bisect_right(keys, hi.toordinal())
        return set(order[a:b])

    def evaluate(self, node, history: Callable[[int], set[int]]) -> Result:
        res = Result(set(), "")
        found, trans = self._eval(node, history, res)
        res.positions = set(found) if found is not None else set()
        res.translation = trans if trans is not None else f"({render(node)})"
        return res

    def _eval(self, node, history, res):
        if isinstance(node, Term):
            wildcard = not node.phrase and node.text.endswith("*")
            hit = self.match(node.text.rstrip("*") if wildcard else node.text, wildcard)
            if hit:
                return hit, render(node)
            if node.phrase:
                res.quoted_not_found.append(node.text)
                return frozenset(), render(node)
            res.phrase_not_found.append(node.label)
            return None, None  # dropped from the query, as NCBI does
        if isinstance(node, DateRange):
            found = self.dates(node.field, node.lo, node.hi)
            if not found and self.drop_empty_dates != "keep":  # a date PubMed has no entry for
                if self.drop_empty_dates == "drop":
                    res.phrase_not_found.append(node.label)
                return None, None
            return found, node.label
        if isinstance(node, Hist):
            return history(node.key), f"#{node.key}"
        if isinstance(node, Group):
            found, trans = self._eval(node.node, history, res)
            return found, None if trans is None else f"({trans})"
        if node.left is None:  # leading NOT
            lset, ltrans = set(range(len(self.texts))), ""
        else:
            lset, ltrans = self._eval(node.left, history, res)
        rset, rtrans = self._eval(node.right, history, res)
        if rset is None:
            return lset, ltrans
        if lset is None:
            return (None, None) if node.op == "NOT" else (rset, rtrans)
        if node.op == "AND":
            found = set(lset) & rset
        elif node.op == "OR":
            found = set(lset) | rset
        else:
            found = set(lset) - rset
        return found, f"{ltrans} {node.op} {rtrans}".strip()

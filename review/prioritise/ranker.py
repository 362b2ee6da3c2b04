"""Rank unscreened records by a model trained on the screening decisions so far.

The text features are built once per review and reused on every retrain, so a retrain is only
three linear classifiers fitted on the labelled rows plus three sparse matrix-vector products:
well under a second for 100,000 records.

The model is an ensemble of two class-balanced logistic regressions whose log-odds are averaged:

* word 1-2 grams, binary TF-IDF: topic words and phrases (``"opinion leaders"``);
* character 4-grams within words, TF-IDF: morphology that exact words miss (``antidepressant`` /
  ``antidepressive``, ``swim`` / ``swimming``, British / American spelling).

The two see different evidence, so their errors are partly independent: on two labelled sets the
average beat either model alone overall (words won on one set, characters by far on the other).

Relevant records are rare (1-15 %), so without balancing the model would learn "exclude everything";
logistic regression gives log-odds that can be averaged and a probability that we shift back to the
labelled prevalence for display. The ranking adds a third view, ASReview's linear SVM on the word
features (its margins z-scored like the log-odds; ``SVM_WEIGHT`` says how it was chosen): it
weights the includes far more and so errs differently on reviews with few relevant records.

Indexing terms (MeSH descriptors, keywords, publication types; after ``TERMS_MARK`` in a text)
join the word model as features of their own, one per term and one per MeSH descriptor without its
qualifier, so "Randomized Controlled Trial" counts as one fact. No labelled set we have carries
MeSH or keywords, so this part is unmeasured: records without terms get exactly the text model.

Each retrain also adds a random sample of unscreened records as presumed excludes (as in
Cormack & Grossman's AutoTAR): most unscreened records are irrelevant, and early on, with a handful
of labelled excludes, this is what tells the model which words are merely common.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from review.progress import Progress, Tally

# Weak regularisation: rows are L2-normalised and training sets are small, so sklearn's C=1 shrinks
# the few informative terms too far (C in {1, 3, 10, 30} compared on two labelled sets).
C = 10.0
# Presumed excludes per retrain, never more than a quarter of the unscreened records so they cannot
# swamp a small review. AutoTAR uses 100; 0 / 100 / 300 / 1,000 compared on two labelled sets, 300
# was best on both (mean WSS@95 +0.011 and +0.032 over none; 1,000 starts to drown the includes).
PRESUMED_EXCLUDES = 300
# Weight of a linear SVM (ASReview's default model: C=0.11, includes weighted 9.8x) in the ranking
# score, beside the two regressions' averaged log-odds (each z-scored over the records). Measured
# by leaving one labelled set out over 11 tasks (whole sets, resampled to 1,500 records at 4/2/1 %
# and 500 at 1 %; 6 seeds; benchmarks/prioritise.py) among 0 / 0.5 / 1 / 2 (and 1,000 presumed
# excludes instead of 300): choosing on Bannach-Brown's tasks gave 0 by 0.002 over 0.5, on
# Nagtegaal's 0.5. Over all tasks 0.5 is best (mean WSS@95 0.568; 0: 0.565, 1: 0.563, 2: 0.560)
# and its worst gap to ASReview (-0.027) is second only to weight 2's (-0.022, mean 0.560).
SVM_WEIGHT = 0.5
# Indexing terms (MeSH descriptors, keywords, publication types) follow this mark in a record's
# text, one a line: the word and character models read them as words, and the terms model reads
# each as one feature ("Randomized Controlled Trial" is one fact, not three words). ASCII's record
# separator is whitespace to both vectorisers, so it adds no token of its own.
TERMS_MARK = "\x1e"


@dataclass(frozen=True)
class Settings:
    """The model's hyper-parameters, for the benchmark to compare; the defaults are the ones the
    app uses (module constants above, chosen as they say). ``None`` means the module's value."""

    c: float | None = None
    presumed: int | None = None  # presumed excludes per retrain (cap)
    chars: bool = True  # the character 4-gram member
    terms: bool = True  # indexing terms as their own features, when records have them
    svm: float | None = None  # weight of the linear SVM member in the ranking score


def record_text(record: Any) -> str:
    """Title + abstract, then the indexing terms after ``TERMS_MARK``: keywords, MeSH descriptors
    and publication types (curated topic and design labels, strong when present)."""
    terms = [*(record.keywords or ()), *(h.descriptor for h in (record.mesh_headings or ()))]
    terms.extend(getattr(record, "publication_types", ()) or ())
    return joined_text(record.title, record.abstract, terms)


def joined_text(title: str | None, abstract: str | None, terms: Sequence[str] = ()) -> str:
    """A ranker's text from its parts; ``terms`` may hold several joined by ";" (as in CSVs)."""
    text = "\n".join(p for p in (title or "", abstract or "") if p)
    terms = [t for t in terms if t and t.strip()]
    return text + "\n" + TERMS_MARK + "\n".join(terms) if terms else text


def split_terms(text: str) -> list[str]:
    """The indexing terms of a text made by ``record_text``, folded to lower case."""
    _, mark, tail = text.partition(TERMS_MARK)
    if not mark:
        return []
    found = set()
    for term in tail.replace(";", "\n").split("\n"):
        term = term.strip().lstrip("*").lower()  # MEDLINE marks a major topic with "*"
        if term:
            found.add(term)
            found.add(term.split("/")[0].rstrip("*"))  # "aspirin/therapeutic use": aspirin too
    return sorted(found)


def _vectorisers(n_texts: int) -> tuple[TfidfVectorizer, TfidfVectorizer]:
    """Word and character-4-gram vectorisers; the word one comes first (``top_terms`` reads it)."""
    # min_df=2 drops hapaxes (typos, ids) that can only overfit; tiny corpora keep everything.
    small = n_texts < 20
    common = dict(
        min_df=1 if small else 2,
        max_df=1.0 if small else 0.95,
        strip_accents="unicode",
        dtype=np.float32,
    )
    # Binary term counts: in an abstract, saying a word twice hardly makes it more on-topic. No
    # stop-word list: phrases such as "risk of" / "patients with" carry signal in bigrams.
    words = TfidfVectorizer(ngram_range=(1, 2), binary=True, **common)
    # 4-grams alone ranked as well as 3-5 grams (and better than 5-grams) with a third of the
    # features, which keeps a retrain of 10,000 records near 0.2 s.
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(4, 4), sublinear_tf=True, **common)
    return words, chars


def _counting(docs: list[str], tally: Tally) -> Iterator[str]:
    """The texts as a vectoriser reads them (once each), counted as it goes."""
    for doc in docs:
        yield doc
        tally.add()


def _terms_matrix(docs: Sequence[str]) -> tuple[Any, list[str], sp.csr_matrix] | None:
    """One binary, L2-normalised feature per indexing term seen in at least two records (with
    the fitted vectoriser, for records added later); None when no record has terms (then the
    model is exactly the text-only one)."""
    from sklearn.feature_extraction.text import CountVectorizer

    lists = [split_terms(d) for d in docs]
    if sum(1 for t in lists if t) < 2:
        return None
    vec = CountVectorizer(analyzer=_same, binary=True, min_df=2, dtype=np.float32)
    try:
        vec.fit(lists)
    except ValueError:  # no term in two records
        return None
    names = [f"[{t}]" for t in vec.get_feature_names_out()]
    return vec, names, _terms_rows(vec, docs)


def _same(terms: list[str]) -> list[str]:
    """The terms vectoriser's analyser (a module function, so a ranker can be pickled)."""
    return terms


def _terms_rows(vec: Any, docs: Sequence[str]) -> sp.csr_matrix:
    from sklearn.preprocessing import normalize

    X = vec.transform([split_terms(d) for d in docs])
    return normalize(X.tocsr()).astype(np.float32)


def presumed_excludes(
    n: int, labelled: np.ndarray, seed: int, cap: int | None = None
) -> np.ndarray:
    """Sorted random unscreened indexes to train on as excludes (see the module docstring)."""
    pool = np.setdiff1d(np.arange(n), labelled)
    k = min(PRESUMED_EXCLUDES if cap is None else cap, len(pool) // 4)
    if k == 0:
        return pool[:0]
    rng = np.random.default_rng([seed, len(labelled)])  # a fresh sample per retrain, reproducible
    return np.sort(rng.choice(pool, size=k, replace=False))


class Ranker:
    """Re-ranks one review's records as decisions arrive.

    ``labelled`` maps an index into ``texts`` to 1 (include) or 0 (exclude). Results for the same
    ``labelled`` are cached, so ``rank`` then ``probabilities`` then ``top_terms`` fit once.
    """

    def __init__(
        self,
        texts: Sequence[str],
        *,
        seed: int = 0,
        progress: Progress | None = None,
        settings: Settings | None = None,
    ):
        """Build the text features; ``progress`` is told the step "Building text features"
        (texts read by each of the vectorisers, see review.progress)."""
        self.n = len(texts)
        self.seed = seed
        self.settings = settings or Settings()
        docs = [t or "" for t in texts]
        self._blocks: list[tuple[TfidfVectorizer, sp.csr_matrix]] = []
        vectorisers = [
            vec for vec in _vectorisers(self.n) if vec.analyzer == "word" or self.settings.chars
        ]
        tally = Tally(progress, "Building text features", self.n * len(vectorisers), every=500)
        for vec in vectorisers:
            told: Iterable[str] = docs if progress is None else _counting(docs, tally)
            try:
                self._blocks.append((vec, vec.fit_transform(told).tocsr()))
            except ValueError:  # empty vocabulary (e.g. all texts blank): leave this block out
                continue
        tally.end()
        terms = _terms_matrix(docs) if self.settings.terms else None
        self._term_names: list[str] = []
        self._term_vec: Any = None
        if terms is not None and self._blocks and self._blocks[0][0].analyzer == "word":
            # the terms join the word model as features of their own, weighted like its words
            self._term_vec, self._term_names, T = terms
            vec, W = self._blocks[0]
            self._blocks[0] = (vec, sp.hstack([W, T], format="csr", dtype=np.float32))
        self._settle()

    def _settle(self) -> None:
        """The state that follows from the feature blocks: the word model, no fit yet."""
        # top_terms explains with word features only; None if there are none
        words = self._blocks[0] if self._blocks and self._blocks[0][0].analyzer == "word" else None
        self._vec: TfidfVectorizer | None = words[0] if words else None
        self.X: sp.csr_matrix | None = words[1] if words else None
        self._key: frozenset | None = None
        self._logit: np.ndarray | None = None
        self._coef: np.ndarray | None = None
        self._terms: np.ndarray | None = None
        self._score: np.ndarray | None = None

    def extended(self, texts: Sequence[str]) -> Ranker:
        """This ranker with ``texts`` added after its own, read with the vocabularies and
        weights already fitted: records that arrive mid-review (an update, an import) cost only
        their own vectorising. Words new to the review count for nothing until a full rebuild,
        which the caller does when many records have arrived (review.prioritise.live)."""
        docs = [t or "" for t in texts]
        blocks = []
        for vec, X in self._blocks:
            new = vec.transform(docs)
            if X is self.X and self._term_vec is not None:
                new = sp.hstack([new, _terms_rows(self._term_vec, docs)], format="csr")
            blocks.append((vec, sp.vstack([X, new], format="csr", dtype=np.float32)))
        return self._with(blocks)

    def rows(self, rows: Sequence[int]) -> Ranker:
        """A ranker over these rows of this one, in this order (records merged away dropped,
        the rest in the review's current order), without vectorising anything again."""
        take = np.asarray(rows, dtype=np.int64)
        return self._with([(vec, X[take]) for vec, X in self._blocks])

    def _with(self, blocks: list[tuple[TfidfVectorizer, sp.csr_matrix]]) -> Ranker:
        other = Ranker.__new__(Ranker)
        other.n = blocks[0][1].shape[0] if blocks else self.n
        other.seed, other.settings = self.seed, self.settings
        other._blocks = blocks
        other._term_names, other._term_vec = self._term_names, self._term_vec
        other._settle()
        return other

    def _fit(self, labelled: Mapping[int, int]) -> np.ndarray | None:
        """Decision values for every text, or None at cold start (one class only, or no text)."""
        key = frozenset((int(i), int(bool(y))) for i, y in labelled.items())
        if key == self._key:
            return self._logit
        self._key, self._logit, self._coef, self._score = key, None, None, None
        idx = np.fromiter((i for i, _ in key), dtype=np.int64, count=len(key))
        y = np.fromiter((v for _, v in key), dtype=np.int64, count=len(key))
        n_inc = int(y.sum())
        if not self._blocks or n_inc == 0 or n_inc == len(y):
            return None
        c = C if self.settings.c is None else self.settings.c
        extra = presumed_excludes(self.n, idx, self.seed, self.settings.presumed)
        rows = np.concatenate([idx, extra])
        target = np.concatenate([y, np.zeros(len(extra), dtype=np.int64)])
        order = np.argsort(rows)  # fit on a canonical row order so results never depend on dicts
        rows, target = rows[order], target[order]
        logit = np.zeros(self.n)
        for _, X in self._blocks:
            # The dual solver finds the same optimum as the primal one, ~20x faster when there are
            # far fewer labelled rows than features, as in screening.
            model = LogisticRegression(
                C=c, class_weight="balanced", solver="liblinear", dual=True, random_state=self.seed
            )
            _fit_quietly(model, X[rows], target)
            coef = model.coef_.ravel().astype(np.float64)
            logit += X @ coef + model.intercept_[0]
            if X is self.X:
                self._coef = coef
        # Balanced weights fit the log-odds as if both classes were equally common; shift back to
        # the prevalence among the labelled records so the probability reads as a frequency.
        self._logit = logit / len(self._blocks) + np.log(n_inc / (len(y) - n_inc))
        svm = SVM_WEIGHT if self.settings.svm is None else self.settings.svm
        if svm > 0:
            self._score = _zscore(self._logit) + svm * _zscore(
                _svm_margin(self._blocks[0][1], rows, target, self.seed)
            )
        return self._logit

    def rank(self, labelled: Mapping[int, int]) -> list[int]:
        """Unlabelled indexes, most likely relevant first; ties and cold start keep import order."""
        logit = self._fit(labelled)
        done = np.zeros(self.n, dtype=bool)
        if labelled:
            done[np.fromiter(labelled.keys(), dtype=np.int64)] = True
        todo = np.flatnonzero(~done)
        if logit is None:
            return todo.tolist()
        score = logit if self._score is None else self._score
        return todo[np.argsort(-score[todo], kind="stable")].tolist()

    def probabilities(self, labelled: Mapping[int, int]) -> np.ndarray:
        """P(relevant) for every text. At cold start there is no model, so every record gets the
        Laplace-smoothed share of includes among the decisions so far."""
        logit = self._fit(labelled)
        if logit is None:
            n_inc = sum(1 for v in labelled.values() if v)
            return np.full(self.n, (n_inc + 1) / (len(labelled) + 2))
        return 1.0 / (1.0 + np.exp(-logit))

    def top_terms(self, index: int, k: int = 5) -> list[str]:
        """The words and phrases of this record that most raise its score under the last fitted
        word model (tf-idf weight x coefficient), so a reviewer can see why it ranks high. The
        character model is left out: 4-gram fragments explain nothing to a reader."""
        if self._coef is None or self.X is None or self._vec is None:
            return []
        if self._terms is None:
            self._terms = np.concatenate([self._vec.get_feature_names_out(), self._term_names])
        row = self.X[index]
        contrib = row.data * self._coef[row.indices]
        best = np.argsort(-contrib, kind="stable")[:k]
        return [str(self._terms[row.indices[j]]) for j in best if contrib[j] > 0]


def _zscore(v: np.ndarray) -> np.ndarray:
    sd = float(v.std())
    return (v - v.mean()) / sd if sd > 0 else v - v.mean()


def _svm_margin(X: sp.csr_matrix, rows: np.ndarray, target: np.ndarray, seed: int) -> np.ndarray:
    """ASReview's default classifier (linear SVM, C=0.11, includes weighted 9.8x as a class)."""
    from sklearn.svm import LinearSVC

    n_inc = int(target.sum())
    weight = np.where(target == 1, 1.0, n_inc / (9.8 * (len(target) - n_inc)))
    model = LinearSVC(C=0.11, random_state=seed)
    _fit_quietly(model, X[rows], target, sample_weight=weight * len(target) / weight.sum())
    return np.asarray(X @ model.coef_.ravel() + model.intercept_[0], dtype=np.float64)


def _fit_quietly(model: Any, X: sp.csr_matrix, y: np.ndarray, **kwargs: Any) -> None:
    """Fit with liblinear's 1,000 iterations (as ASReview runs it) and without its convergence
    warning: a solution short of convergence still ranks (the benchmark measures it so), and the
    warning would reach the command line and the app's log on every retrain."""
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y, **kwargs)

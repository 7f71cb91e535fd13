"""Pure ranking: which feed items go into a club's digest, with the reasons.

Relevance
    Each term of the club's profile found in an item adds its weight, doubled when found in the title:
    the club's own keywords (and a feed subscription's keywords, for that feed's items) weigh 3, words
    from the titles of the club's outputs 1.5, the field's vocabulary 1. Latin terms match on word
    boundaries (a plural `s`/`es` too, hyphens and spaces alike); Hangul terms match as substrings,
    since Korean attaches particles to words (`전고체전지의` contains `전고체`).
Floor
    An item whose relevance is below `min_relevance` (default 2: one field term in the title, or one
    club keyword anywhere) is never posted, however empty the digest would be.
Score
    `score = (1 - exp(-relevance / 4)) * (0.35 + 0.65 * recency)`, where recency halves every
    `half_life_days` (default 7) from the item's date (its published date, else when first seen).
Diversity
    Items are picked greedily by score, each already-picked item from the same feed multiplying a
    candidate's score by `feed_repeat_penalty` (default 0.5), so one busy feed cannot fill the digest.
Shared items
    Items members shared always go first, in the order shared, with the sharer's name; ranked items
    fill the remaining places up to `max_items`. Nothing is posted twice within one digest (same
    normalised link, or same distinctive normalised title).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import cached_property

from bot.digests.feeds.normalize import is_distinctive_title


class TermSource(StrEnum):
    KEYWORD = "keyword"
    FEED_KEYWORD = "feed-keyword"
    OUTPUT = "output"
    FIELD = "field"


TERM_WEIGHTS: Mapping[TermSource, float] = {
    TermSource.KEYWORD: 3.0,
    TermSource.FEED_KEYWORD: 3.0,
    TermSource.OUTPUT: 1.5,
    TermSource.FIELD: 1.0,
}
TITLE_FACTOR = 2.0

_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
_WORD = re.compile(r"[0-9a-z]+|[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]+")
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
        "via",
        "using",
        "based",
        "toward",
        "towards",
        "study",
        "analysis",
        "approach",
        "new",
        "novel",
        "method",
        "methods",
        "results",
        "effect",
        "effects",
        "system",
        "systems",
        "their",
        "its",
        "our",
        "we",
        "this",
        "that",
        "these",
        "those",
        "between",
        "under",
        "over",
        "high",
        "low",
        "large",
        "small",
        "first",
        "report",
        "case",
        "review",
    ]
)
#: Particles stripped from the end of Hangul words (not 이/가/도, which end many nouns: 초전도, 차이).
_PARTICLES = (
    "에서는",
    "으로는",
    "에서",
    "으로",
    "에게",
    "까지",
    "부터",
    "은",
    "는",
    "을",
    "를",
    "의",
    "에",
    "와",
    "과",
    "로",
)


def fold(text: str) -> str:
    """Text as matched: NFKC, case-folded."""
    return unicodedata.normalize("NFKC", text).casefold()


@dataclass(frozen=True)
class Term:
    text: str
    source: TermSource

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        words = _WORD.findall(fold(self.text))
        if not words:
            return re.compile(r"(?!x)x")  # matches nothing
        if _HANGUL.search(self.text):  # spacing varies in Korean: 양자컴퓨터 = 양자 컴퓨터
            return re.compile(r"[\s\-]*".join(re.escape(ch) for ch in "".join(words)))
        *head, last = words
        plural = (
            rf"{re.escape(last[:-1])}(?:y|ies)"
            if last.endswith("y") and len(last) > 2
            else rf"{re.escape(last)}(?:s|es)?"
        )
        body = "".join(rf"{re.escape(w)}[\s\-‐–_/]*" for w in head) + plural
        return re.compile(rf"(?<![0-9a-z]){body}(?![0-9a-z])")

    @property
    def weight(self) -> float:
        return TERM_WEIGHTS[self.source]


@dataclass(frozen=True)
class Profile:
    """What a club cares about: its terms, and extra terms for items of particular feeds."""

    terms: tuple[Term, ...]
    feed_terms: Mapping[int, tuple[Term, ...]] = field(default_factory=dict)

    def terms_for(self, feed_id: int | None) -> tuple[Term, ...]:
        extra = self.feed_terms.get(feed_id, ()) if feed_id is not None else ()
        return self.terms + extra


def split_keywords(text: str | None) -> list[str]:
    """Keywords as a leader types them: separated by commas, semicolons, slashes, newlines or `、`."""
    if not text:
        return []
    parts = re.split(r"[,;/\n、，；]+", text)
    return [" ".join(p.split()) for p in parts if p.strip()]


def _strip_particle(word: str) -> str:
    if len(word) >= 3:
        for particle in _PARTICLES:
            if word.endswith(particle) and len(word) - len(particle) >= 2:
                return word[: -len(particle)]
    return word


def output_words(titles: Iterable[str], limit: int = 60) -> list[str]:
    """Distinctive words from the titles of a club's outputs (papers, proposals...)."""
    words: list[str] = []
    for title in titles:
        for word in _WORD.findall(fold(title)):
            if _HANGUL.search(word):
                word = _strip_particle(word)
                keep = len(word) >= 2
            else:
                keep = len(word) >= 4 and word not in _STOPWORDS and not word.isdigit()
            if keep and word not in words:
                words.append(word)
    return words[:limit]


def build_profile(
    *,
    keywords: str | Iterable[str] = "",
    vocabulary: Iterable[str] = (),
    output_titles: Iterable[str] = (),
    feed_keywords: Mapping[int, str] | None = None,
) -> Profile:
    """A club's profile. A term given by several sources counts once, with its strongest source."""
    chosen: dict[str, Term] = {}

    def add(text: str, source: TermSource) -> None:
        key = " ".join(_WORD.findall(fold(text)))
        if key and (key not in chosen or TERM_WEIGHTS[source] > chosen[key].weight):
            chosen[key] = Term(text, source)

    for keyword in split_keywords(keywords) if isinstance(keywords, str) else keywords:
        add(keyword, TermSource.KEYWORD)
    for term in vocabulary:
        add(term, TermSource.FIELD)
    for word in output_words(output_titles):
        add(word, TermSource.OUTPUT)
    per_feed = {
        feed_id: tuple(Term(k, TermSource.FEED_KEYWORD) for k in split_keywords(text))
        for feed_id, text in (feed_keywords or {}).items()
        if split_keywords(text)
    }
    return Profile(tuple(chosen.values()), per_feed)


# --- scoring ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankConfig:
    max_items: int = 8
    half_life_days: float = 7.0
    min_relevance: float = 2.0
    feed_repeat_penalty: float = 0.5


@dataclass(frozen=True)
class Candidate:
    """A feed item that could go into the digest. `when` is its date, or when it was first seen."""

    id: int
    title: str
    summary: str
    when: datetime
    feed_id: int | None = None
    url_key: str | None = None
    title_key: str | None = None


@dataclass(frozen=True)
class Match:
    term: str
    source: TermSource
    in_title: bool


@dataclass(frozen=True)
class Scored:
    candidate: Candidate
    relevance: float
    recency: float
    score: float
    matches: tuple[Match, ...]

    @property
    def reasons(self) -> tuple[str, ...]:
        """Why it was chosen, e.g. `keyword: qubit (title)`, strongest first."""
        ordered = sorted(self.matches, key=lambda m: (-TERM_WEIGHTS[m.source], not m.in_title, m.term))
        return tuple(f"{m.source.value}: {m.term}{' (title)' if m.in_title else ''}" for m in ordered)


def recency(when: datetime, now: datetime, half_life_days: float) -> float:
    """1 for now, halving every `half_life_days`; an item dated in the future counts as now."""
    age_days = max(0.0, (now - when).total_seconds() / 86400)
    return 0.5 ** (age_days / half_life_days)


def score(candidate: Candidate, profile: Profile, now: datetime, config: RankConfig | None = None) -> Scored:
    config = config or RankConfig()
    title, summary = fold(candidate.title), fold(candidate.summary)
    matches: list[Match] = []
    relevance = 0.0
    for term in profile.terms_for(candidate.feed_id):
        in_title = bool(term.pattern.search(title))
        if in_title or term.pattern.search(summary):
            matches.append(Match(term.text, term.source, in_title))
            relevance += term.weight * (TITLE_FACTOR if in_title else 1.0)
    fresh = recency(candidate.when, now, config.half_life_days)
    value = (1 - math.exp(-relevance / 4)) * (0.35 + 0.65 * fresh)
    return Scored(candidate, relevance, fresh, value, tuple(matches))


def rank(
    candidates: Sequence[Candidate],
    profile: Profile,
    now: datetime,
    config: RankConfig | None = None,
    *,
    slots: int | None = None,
    taken_keys: Iterable[str] = (),
) -> list[Scored]:
    """The best `slots` candidates (default `config.max_items`) above the relevance floor, diverse in source."""
    config = config or RankConfig()
    limit = config.max_items if slots is None else slots
    taken = set(taken_keys)
    pool = [s for s in (score(c, profile, now, config) for c in candidates) if s.relevance >= config.min_relevance]
    pool.sort(key=lambda s: (-s.score, -s.candidate.when.timestamp(), s.candidate.id))
    chosen: list[Scored] = []
    per_feed: Counter[int | None] = Counter()
    while pool and len(chosen) < limit:
        best_index = max(
            range(len(pool)),
            key=lambda i: (pool[i].score * config.feed_repeat_penalty ** per_feed[pool[i].candidate.feed_id], -i),
        )
        best = pool.pop(best_index)
        keys = _keys(best.candidate.url_key, best.candidate.title_key, best.candidate.title)
        if keys & taken:
            continue
        taken |= keys
        chosen.append(best)
        per_feed[best.candidate.feed_id] += 1
    return chosen


def _keys(url_key: str | None, title_key: str | None, title: str) -> set[str]:
    keys = {f"u:{url_key}"} if url_key else set()
    if title_key and is_distinctive_title(title):
        keys.add(f"t:{title_key}")
    return keys


# --- the digest: shared items first, then ranked ---------------------------------------------------------


@dataclass(frozen=True)
class SharedCandidate:
    id: int
    title: str
    sharer: str
    url_key: str | None = None
    title_key: str | None = None


@dataclass(frozen=True)
class Pick:
    """One digest place: a member's shared item or a ranked feed item."""

    shared: SharedCandidate | None = None
    ranked: Scored | None = None


def plan_digest(
    shared: Sequence[SharedCandidate],
    candidates: Sequence[Candidate],
    profile: Profile,
    now: datetime,
    config: RankConfig | None = None,
    *,
    max_shared: int = 20,
) -> list[Pick]:
    """Shared items first (all of them, up to `max_shared`; duplicates once), then ranked items up to `max_items`."""
    config = config or RankConfig()
    picks: list[Pick] = []
    taken: set[str] = set()
    for item in shared:
        if len(picks) >= max_shared:
            break
        keys = _keys(item.url_key, item.title_key, item.title)
        if keys & taken:
            continue
        taken |= keys
        picks.append(Pick(shared=item))
    slots = max(0, config.max_items - len(picks))
    picks.extend(Pick(ranked=s) for s in rank(candidates, profile, now, config, slots=slots, taken_keys=taken))
    return picks

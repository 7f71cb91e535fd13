"""Ranking a club's candidates: relevance, floor, recency, diversity, shared items first (table-driven)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.digests.feeds.catalog import load_vocabulary
from bot.digests.feeds.rank import (
    Candidate,
    RankConfig,
    SharedCandidate,
    Term,
    TermSource,
    build_profile,
    output_words,
    plan_digest,
    rank,
    recency,
    score,
    split_keywords,
)
from bot.domain import FieldKey

NOW = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)


def item(id, title, summary="", days=1, feed=1, url_key=None, title_key=None):
    return Candidate(id, title, summary, NOW - timedelta(days=days), feed, url_key, title_key)


@pytest.mark.parametrize(
    ("term", "text", "matches"),
    [
        ("qubit", "A new qubit design", True),
        ("qubit", "Superconducting qubits at scale", True),  # plural
        ("qubit", "Qubitization of Hamiltonians", False),  # word boundary
        ("solid-state battery", "Solid state batteries reach 500 Wh/kg", True),  # hyphen or space
        ("AI", "AI-driven drug discovery", True),
        ("AI", "Thai researchers", False),
        ("6G", "6G를 위한 테라헤르츠 통신", True),  # Latin term next to Hangul
        ("전고체", "전고체전지의 계면 저항을 낮췄다", True),  # Hangul substring
        ("충전 인프라", "전기차 충전인프라 확충", True),
        ("양자컴퓨터", "양자 컴퓨터", True),
        ("큐비트", "Qubit", False),
        ("CRISPR", "crispr-cas9 editing", True),
        ("ＬＬＭ", "LLM agents", True),  # full-width forms fold
    ],
)
def test_term_matching(term, text, matches):
    assert bool(Term(term, TermSource.FIELD).pattern.search(text.casefold())) is matches


@pytest.mark.parametrize(
    ("text", "keywords"),
    [
        ("qubit, error correction; 양자컴퓨터", ["qubit", "error correction", "양자컴퓨터"]),
        ("  trapped ion \n 초전도 / photonics ", ["trapped ion", "초전도", "photonics"]),
        ("", []),
    ],
)
def test_split_keywords(text, keywords):
    assert split_keywords(text) == keywords


def test_output_words_skip_stopwords_and_particles():
    words = output_words(["A study of surface codes for trapped-ion qubits", "초전도 큐비트의 결맞음 시간"])
    assert {"surface", "codes", "trapped", "qubits", "초전도", "큐비트", "결맞음", "시간"} <= set(words)
    assert "study" not in words and "for" not in words and "of" not in words


PROFILE = build_profile(
    keywords="error correction, trapped ion",
    vocabulary=["qubit", "quantum", "양자", "superconductivity"],
    output_titles=["Surface codes on heavy-hex lattices"],
    feed_keywords={7: "cryogenic"},
)


@pytest.mark.parametrize(
    ("candidate", "relevance", "reasons"),
    [
        (
            item(1, "Quantum error correction below threshold"),
            3 * 2 + 1 * 2,
            ("keyword: error correction (title)", "field: quantum (title)"),
        ),
        (item(2, "Lab news", "A trapped ion processor"), 3, ("keyword: trapped ion",)),
        (item(3, "Heavy-hex lattices revisited"), 1.5 * 2 * 2, ("output: heavy (title)", "output: lattices (title)")),
        (item(4, "양자 센서 개발"), 2, ("field: 양자 (title)",)),
        (item(5, "Cryogenic CMOS", feed=7), 6, ("feed-keyword: cryogenic (title)",)),
        (item(6, "Cryogenic CMOS", feed=8), 0, ()),  # that keyword belongs to feed 7 only
        (item(7, "Stock market rally"), 0, ()),
    ],
)
def test_relevance_and_reasons(candidate, relevance, reasons):
    scored = score(candidate, PROFILE, NOW)
    assert scored.relevance == pytest.approx(relevance)
    assert scored.reasons == reasons


def test_a_term_from_several_sources_counts_once_with_its_strongest_weight():
    profile = build_profile(keywords="qubit", vocabulary=["qubit"], output_titles=["qubit arrays"])
    assert score(item(1, "A qubit"), profile, NOW).relevance == pytest.approx(6)


@pytest.mark.parametrize(("days", "value"), [(0, 1.0), (7, 0.5), (14, 0.25), (-3, 1.0)])
def test_recency_halves_every_week(days, value):
    assert recency(NOW - timedelta(days=days), NOW, 7) == pytest.approx(value)


def test_newer_beats_older_at_equal_relevance_and_relevance_beats_recency():
    fresh, stale = item(1, "Quantum advantage", days=0), item(2, "Quantum advantage again", days=20)
    assert [s.candidate.id for s in rank([stale, fresh], PROFILE, NOW)] == [1, 2]
    strong_old = item(3, "Quantum error correction with trapped ion qubits", days=6)
    weak_new = item(4, "Quantum dots in paint", days=0)
    assert rank([weak_new, strong_old], PROFILE, NOW)[0].candidate.id == 3


def test_the_relevance_floor_keeps_off_topic_items_out_even_if_the_digest_is_empty():
    off_topic = [item(i, title) for i, title in enumerate(["Stock market rally", "Celebrity news", "Weather"])]
    weak = item(9, "Lab news", "mentions quantum once")  # one field term in the summary: 1 < 2
    assert rank([*off_topic, weak], PROFILE, NOW) == []


def test_one_feed_cannot_fill_the_digest():
    busy = [item(i, f"Quantum result number {i}", days=0, feed=1) for i in range(10)]
    quiet = [item(100 + i, f"Quantum finding {i}", days=3, feed=2) for i in range(3)]
    chosen = rank(busy + quiet, PROFILE, NOW, RankConfig(max_items=6))
    feeds = [s.candidate.feed_id for s in chosen]
    assert len(chosen) == 6 and feeds.count(2) == 3 and feeds.count(1) == 3


def test_no_duplicates_within_a_digest():
    a = item(1, "Quantum error correction below threshold", url_key="u1", title_key="t1", feed=1)
    same_link = item(
        2, "Quantum error correction below threshold (press release)", url_key="u1", title_key="t2", feed=2
    )
    same_title = item(3, "Quantum error correction below threshold", url_key="u3", title_key="t1", feed=3)
    assert [s.candidate.id for s in rank([a, same_link, same_title], PROFILE, NOW)] == [1]


def test_shared_items_go_first_always_and_ranked_items_fill_the_rest():
    shared = [
        SharedCandidate(1, "Our group's new preprint on anything at all", "Jiwoo Kim", "s1", "st1"),
        SharedCandidate(2, "Off-topic but shared by a member", "Alice Martin", "s2", "st2"),
        SharedCandidate(3, "Our group's new preprint on anything at all", "Someone Else", "s1", "st1"),  # duplicate
    ]
    candidates = [item(i, f"Quantum result number {i}", feed=i) for i in range(10)] + [
        item(50, "Shared link also in a feed", url_key="s1")
    ]
    picks = plan_digest(shared, candidates, PROFILE, NOW, RankConfig(max_items=5))
    assert [p.shared.sharer for p in picks if p.shared] == ["Jiwoo Kim", "Alice Martin"]
    assert picks[0].shared and picks[1].shared and all(p.ranked for p in picks[2:])
    assert len(picks) == 5 and 50 not in [p.ranked.candidate.id for p in picks[2:]]


def test_shared_items_go_in_even_beyond_max_items():
    shared = [SharedCandidate(i, f"Shared item number {i} with a long title", "A", f"u{i}") for i in range(10)]
    picks = plan_digest(shared, [item(1, "Quantum thing")], PROFILE, NOW, RankConfig(max_items=8))
    assert len(picks) == 10 and all(p.shared for p in picks)


@pytest.mark.parametrize(
    ("field", "title", "relevant"),
    [
        (FieldKey.SECONDARY_BATTERY, "전고체 배터리의 계면 안정성 향상", True),
        (FieldKey.SECONDARY_BATTERY, "Sodium-ion cathodes with high energy density", True),
        (FieldKey.QUANTUM, "Logical qubits beat physical qubits", True),
        (FieldKey.QUANTUM, "New bakery opens downtown", False),
        (FieldKey.CYBERSECURITY, "랜섬웨어 공격으로 병원 시스템 마비", True),
        (FieldKey.HYDROGEN, "Cheaper electrolyzers for green hydrogen", True),
        (FieldKey.AI, "거대언어모델의 추론 능력 평가", True),
        (FieldKey.AI, "Football season preview", False),
    ],
)
def test_shipped_vocabulary_recognises_its_field(field, title, relevant):
    profile = build_profile(vocabulary=load_vocabulary()[field])
    assert (score(item(1, title), profile, NOW).relevance >= RankConfig().min_relevance) is relevant

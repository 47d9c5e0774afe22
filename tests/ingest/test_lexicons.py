"""The shared lexicon reader and whole-word patterns the rule modules build on."""

from __future__ import annotations

from ingest.lexicons import any_of, bounded, load_lexicon


def test_any_of_matches_whole_words_in_any_case() -> None:
    pattern = any_of(["anxiety", "sleep quality"])
    assert pattern.search("It eases Anxiety.")
    assert pattern.search("better sleep quality, too")
    assert not pattern.search("an anti-anxiety drug")  # a hyphen joins words
    assert not pattern.search("anxiety-related")
    assert not pattern.search("anxietys")


def test_bounded_takes_a_regex_body() -> None:
    assert bounded(r"reduc\w*").fullmatch("Reduces")
    assert not bounded(r"reduc\w*").search("irreducible")


def test_load_lexicon_reads_the_packaged_files() -> None:
    for name in ("atoms.json", "claims.json", "claimcues.json", "cues.json", "entities.json", "topic.json"):
        assert isinstance(load_lexicon(name), dict), name

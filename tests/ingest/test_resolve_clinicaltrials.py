"""ClinicalTrials.gov API v2: a registered study, its stated design, and actual enrollment."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fake_services import fake_services, fixture, lookup_settings, make_lookup
from httpserver import LocalServer

from ingest.resolve import clinicaltrials
from ingest.resolve.errors import MalformedResponse
from kb.models import Design


def _study(nct: str) -> dict[str, object]:
    return json.loads(fixture(f"clinicaltrials/{nct}.json"))


def test_a_randomized_study_with_results() -> None:
    r = clinicaltrials.parse_study(_study("NCT99999901"))
    assert r.nct == "NCT99999901" and r.year == 2019
    assert r.title is not None and r.title.startswith("A Randomized, Double-Blind")
    assert r.stated_design == Design.RCT.value
    assert r.sample_size == 40  # ACTUAL enrollment
    assert r.human is True
    assert r.notes == ["phase 2", "status completed", "results posted", "registered as rct"]
    assert (r.trial_phase, r.trial_status) == ("phase 2", "completed")
    assert r.mesh == ["Fatigue Syndrome, Chronic"]


def test_a_study_without_results_is_a_registration_and_its_planned_size_is_not_a_sample() -> None:
    r = clinicaltrials.parse_study(_study("NCT99999902"))
    assert r.stated_design == Design.TRIAL_REGISTRATION.value
    assert r.sample_size is None  # ESTIMATED enrollment is a plan
    assert "no results posted" in r.notes and "status recruiting" in r.notes
    assert (r.trial_phase, r.trial_status) == ("phase 3", "recruiting")  # still recruiting: nothing found yet


@pytest.mark.parametrize(
    ("phases", "words"),
    [(["PHASE1", "PHASE2"], "phase 1/2"), (["EARLY_PHASE1"], "early phase 1"), (["NA"], "not applicable"),
     ([], None), (None, None), (["PHASE4"], "phase 4")],
)  # fmt: skip
def test_trial_phase_in_words(phases: object, words: str | None) -> None:
    assert clinicaltrials.trial_phase(phases) == words


@pytest.mark.parametrize(
    ("design", "expected"),
    [
        ({"studyType": "INTERVENTIONAL", "designInfo": {"allocation": "NON_RANDOMIZED"}}, Design.NON_RANDOMIZED_CONTROLLED),
        ({"studyType": "INTERVENTIONAL", "designInfo": {"allocation": "NA", "interventionModel": "SINGLE_GROUP"}}, Design.CASE_SERIES),
        ({"studyType": "OBSERVATIONAL", "designInfo": {"observationalModel": "COHORT", "timePerspective": "PROSPECTIVE"}}, Design.COHORT),
        ({"studyType": "OBSERVATIONAL", "designInfo": {"observationalModel": "CASE_CONTROL"}}, Design.CASE_CONTROL),
        ({"studyType": "OBSERVATIONAL", "designInfo": {"observationalModel": "COHORT", "timePerspective": "CROSS_SECTIONAL"}}, Design.CROSS_SECTIONAL),
        ({"studyType": "OBSERVATIONAL", "designInfo": {"observationalModel": "OTHER"}}, None),
        ({"studyType": "EXPANDED_ACCESS"}, None),
    ],
)  # fmt: skip
def test_stated_design(design: dict[str, object], expected: Design | None) -> None:
    assert clinicaltrials.stated_design(design) == expected


def test_not_a_study_is_malformed() -> None:
    with pytest.raises(MalformedResponse):
        clinicaltrials.parse_study({"studies": []})


def test_fetches_by_nct_and_unknown_is_none(tmp_path: Path) -> None:
    with LocalServer(handlers=fake_services()) as server:
        lookup = make_lookup(server, lookup_settings(tmp_path))
        assert clinicaltrials.fetch_study(lookup, "nct99999901") is not None
        assert clinicaltrials.fetch_study(lookup, "NCT99999999") is None
    assert server.seen[0] == "/clinicaltrials/studies/NCT99999901"

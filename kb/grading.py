"""Grade the evidence behind one claim: a pure, versioned rubric whose numbers live in `rubric.json`.

Inspired by GRADE certainty (high / moderate / low / very low) and the Oxford CEBM levels, plus
"none" for a claim with no evidence at all. Grades are levels: high 4, moderate 3, low 2,
very low 1, none 0. With R = rubric.json and every cited work w:

    excluded(w)   retracted works, and literature-search candidates an editor has not accepted
    design(w)     w.design, or "animal" when w.human is False, or "unknown"
    start(w)      L[R.design_start[design(w)]]
                  a pooled design (R.pooled_designs) whose title/abstract names no randomized trial
                      (R.randomized_markers) starts at R.pooled_without_randomized_start instead
                  a work that is not resolved starts at min(that, R.unresolved_start): it is
                      "cites something unverifiable", never more
    indirect(w)   min(R.indirectness.max, sum of R.indirectness[part] for each part -
                      intervention, outcome, population - the work's Directness says it misses)
    imprecise(w)  for designs in R.imprecision.applies_to with a stated sample size n:
                      very_serious_downgrade if n < very_serious_below,
                      serious_downgrade if n < serious_below, else 0
    concern(w)    R.expression_of_concern_downgrade if an expression of concern is attached
    level(w)      max(min(start, F), start - indirect - imprecise - concern)
                      F = L[R.counted_work_floor]: a counted work never drops below very low
    best          max level(w) over supporting works; with none left the grade is "none"
                  capped at L[R.non_human_only_cap] when every supporting work is animal/in-vitro
    inconsistency R.inconsistency.stronger_downgrade if a contradicting work's level > best,
                  R.inconsistency.comparable_downgrade if one is >= best - comparable_within, else 0
    grade         max(min(best, F), best - inconsistency)
    score         R.scores[grade]
    overclaim     the claim has a booster and grade < R.overclaim.booster_min_grade, or a strong
                  booster (R.overclaim.strong_boosters) and grade < R.overclaim.strong_min_grade

    rank          score - OVERCLAIM_RANK_PENALTY if overclaim, else score: the claims lists'
                  "worst first" order (`claim_rank`)

A claim with no counted work gets "none"; the reasons say why (cites nothing, "attributed to
unnamed research", every cited work retracted, only contradicting works). Every step that moves a
grade adds one human-readable reason, so the grade can always be shown with its reasons.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from kb.models import Assessment, CitationStatus, Claim, Design, Grade, Work, WorkStatus

__all__ = [
    "RUBRIC_VERSION",
    "Directness",
    "Stance",
    "WorkEvidence",
    "claim_rank",
    "grade_claim",
    "level_of",
    "rubric",
]


class Stance(StrEnum):
    SUPPORTS = "supports"
    CONTRADICTS = "contradicts"


class Directness(BaseModel):
    """Whether a work studies what the claim is about. None: not judged (the claim states no such part)."""

    model_config = ConfigDict(extra="forbid")

    intervention_match: bool | None = None
    outcome_match: bool | None = None
    population_match: bool | None = None
    direct: bool = True
    reasons: list[str] = Field(default_factory=list)


class WorkEvidence(BaseModel):
    """One work as evidence for one claim."""

    model_config = ConfigDict(extra="forbid")

    work: Work
    directness: Directness | None = None  # None: not assessed, no downgrade
    stance: Stance = Stance.SUPPORTS
    candidate: bool = False  # a literature-search hit
    accepted: bool = False  # an editor accepted the candidate


@cache
def rubric() -> dict[str, Any]:
    """The rubric data, loaded once."""
    # Beside this module, not `resources.files("kb")`: a tests/kb folder on sys.path would shadow it.
    data: dict[str, Any] = json.loads((Path(__file__).parent / "rubric.json").read_text(encoding="utf-8"))
    return data


RUBRIC_VERSION: str = rubric()["version"]
OVERCLAIM_RANK_PENALTY = 0.5  # not part of the grade: it only orders lists


def level_of(grade: Grade | str) -> int:
    return int(rubric()["levels"][str(grade)])


def _grade_at(level: int) -> Grade:
    for name, value in rubric()["levels"].items():
        if value == level:
            return Grade(name)
    raise ValueError(f"no grade at level {level}")


def _label(work: Work) -> str:
    name = work.title or work.citation_text or work.url or work.key
    return f"'{name[:77]}...'" if len(name) > 80 else f"'{name}'"


@dataclass
class _Rated:
    level: int
    steps: list[str]
    design: Design


_Pair = tuple[WorkEvidence, _Rated]


def grade_claim(claim: Claim, works: Sequence[WorkEvidence]) -> Assessment:
    """The claim's grade, score, overclaim flag and the reasons for each step (see module docstring)."""
    reasons: list[str] = []
    counted = _counted(works, reasons)
    supporting = [(ev, _rate(ev)) for ev in counted if ev.stance is Stance.SUPPORTS]
    contradicting = [(ev, _rate(ev)) for ev in counted if ev.stance is Stance.CONTRADICTS]
    if not supporting:
        reasons.append(_why_none(claim, works, contradicting))
        grade = Grade.NONE
    else:
        grade = _combine(supporting, contradicting, reasons)
    overclaim = _overclaim(claim, grade, reasons)
    return Assessment(
        claim_id=claim.id,
        grade=grade,
        score=float(rubric()["scores"][grade.value]),
        reasons=reasons,
        rubric_version=RUBRIC_VERSION,
        overclaim=overclaim,
    )


def _counted(works: Sequence[WorkEvidence], reasons: list[str]) -> list[WorkEvidence]:
    counted = []
    for ev in works:
        if ev.candidate and not ev.accepted:
            reasons.append(
                f"Not counted: {_label(ev.work)} is a literature-search candidate not yet accepted."
            )
        elif ev.work.retracted:
            reasons.append(f"Excluded: {_label(ev.work)} is retracted.")
        else:
            counted.append(ev)
    return counted


def _why_none(claim: Claim, works: Sequence[WorkEvidence], contradicting: list[_Pair]) -> str:
    if contradicting:
        return "None: the counted works contradict the claim; nothing cited supports it."
    if works and all(ev.work.retracted for ev in works):
        return "None: every cited work is retracted."
    if works:
        return "None: no cited work is left to support the claim."
    vague = claim.citation_status is CitationStatus.VAGUE or (claim.cues.attribution or "") == "vague"
    if vague:
        return "None: attributed to unnamed research, with no citation to check."
    return "None: the claim cites nothing."


def _combine(supporting: list[_Pair], contradicting: list[_Pair], reasons: list[str]) -> Grade:
    r = rubric()
    for _, rated in supporting:
        reasons.extend(rated.steps)
    best_ev, best = max(supporting, key=lambda pair: pair[1].level)
    level = best.level
    if len(supporting) > 1:
        reasons.append(f"Best supporting evidence: {_label(best_ev.work)} at {_grade_at(level).value}.")
    floor = min(level, level_of(r["counted_work_floor"]))
    if all(rated.design in r["non_human_designs"] for _, rated in supporting):
        cap = level_of(r["non_human_only_cap"])
        if level > cap:
            level = cap
        reasons.append(f"Only animal or in-vitro evidence: capped at {_grade_at(cap).value}.")
    down = 0
    for ev, rated in contradicting:
        reasons.extend(rated.steps)
        inc = r["inconsistency"]
        if rated.level > level:
            step = inc["stronger_downgrade"]
        elif rated.level >= level - inc["comparable_within"]:
            step = inc["comparable_downgrade"]
        else:
            step = 0
        if step > down:
            down = step
            reasons.append(f"-{step} inconsistency: {_label(ev.work)} contradicts the claim.")
    level = max(floor, level - down)
    grade = _grade_at(level)
    reasons.append(f"Grade: {grade.value}.")
    return grade


def _rate(ev: WorkEvidence) -> _Rated:
    """The level one work reaches on its own, with a reason for every step."""
    r = rubric()
    work = ev.work
    design = _design(work)
    start, why = _start(work, design)
    verb = "contradicting" if ev.stance is Stance.CONTRADICTS else "supporting"
    steps = [f"{_label(work)} ({verb}): {why}; starts at {_grade_at(start).value}."]
    down = _indirectness(ev.directness, steps) + _imprecision(work, design, steps)
    if work.expression_of_concern:
        down += r["expression_of_concern_downgrade"]
        steps.append(f"-{r['expression_of_concern_downgrade']} an expression of concern is attached.")
    floor = min(start, level_of(r["counted_work_floor"]))
    level = max(floor, start - down)
    if down:
        steps.append(f"{_label(work)} ends at {_grade_at(level).value}.")
    return _Rated(level=level, steps=steps, design=design)


def _design(work: Work) -> Design:
    design = work.design or Design.UNKNOWN
    if work.human is False and design not in rubric()["non_human_designs"]:
        return Design.ANIMAL  # a randomized trial in mice is animal evidence
    return design


def _start(work: Work, design: Design) -> tuple[int, str]:
    r = rubric()
    label = r["design_labels"][design]
    start = level_of(r["design_start"][design])
    if design in r["pooled_designs"] and not _pools_randomized(work):
        start = level_of(r["pooled_without_randomized_start"])
        label += " that does not say it pools randomized trials"
    if work.status is not WorkStatus.RESOLVED:
        cap = level_of(r["unresolved_start"])
        reason = work.unresolved_reason or "not looked up yet"
        if start > cap or design == Design.UNKNOWN:
            start = min(start, cap)
            return start, f"unresolved ({reason}): cites something unverifiable"
        return start, f"{label}, unresolved ({reason})"
    return start, label


def _pools_randomized(work: Work) -> bool:
    text = " ".join(filter(None, [work.title, work.abstract, *work.publication_types]))
    return any(re.search(p, text, re.IGNORECASE) for p in rubric()["randomized_markers"])


def _indirectness(directness: Directness | None, steps: list[str]) -> int:
    if directness is None:
        return 0
    weights = rubric()["indirectness"]
    missed = [
        part
        for part, match in (
            ("intervention", directness.intervention_match),
            ("outcome", directness.outcome_match),
            ("population", directness.population_match),
        )
        if match is False
    ]
    down = min(weights["max"], sum(weights[part] for part in missed))
    if down:
        # Directness reasons name every part, matched or not; quote only the mismatches.
        said = [r for r in directness.reasons if "not" in r and any(f"the {p}" in r for p in missed)]
        detail = "; ".join(said) or " and ".join(missed) + " differ from the claim"
        steps.append(f"-{down} indirectness: {detail}.")
    return int(down)


def _imprecision(work: Work, design: Design, steps: list[str]) -> int:
    imp = rubric()["imprecision"]
    if design not in imp["applies_to"]:
        return 0
    n = work.sample_size
    if n is None:
        steps.append("Sample size not stated: imprecision not judged.")
        return 0
    if n < imp["very_serious_below"]:
        down, bound = imp["very_serious_downgrade"], imp["very_serious_below"]
    elif n < imp["serious_below"]:
        down, bound = imp["serious_downgrade"], imp["serious_below"]
    else:
        return 0
    steps.append(f"-{down} imprecision: n={n} is below {bound}.")
    return int(down)


def claim_rank(assessment: Assessment) -> float:
    """Where a graded claim sorts in "worst first" lists (lower is worse): its score, less
    `OVERCLAIM_RANK_PENALTY` for an overclaim, so an overclaimed claim sorts with claims two
    grades weaker."""
    penalty = OVERCLAIM_RANK_PENALTY if assessment.overclaim else 0.0
    return round(assessment.score - penalty, 4)


def _overclaim(claim: Claim, grade: Grade, reasons: list[str]) -> bool:
    rules = rubric()["overclaim"]
    boosters = claim.cues.boosters
    strong = [b for b in boosters if any(re.search(p, b, re.IGNORECASE) for p in rules["strong_boosters"])]
    level = level_of(grade)
    # A strong booster is judged first, against its own (higher) minimum; then any booster.
    for words, needed, why in (
        (
            strong,
            rules["strong_min_grade"],
            "asserts certainty that needs {needed} evidence; the grade is {grade}.",
        ),
        (
            boosters,
            rules["booster_min_grade"],
            "is stronger than {grade} evidence supports (boosters need at least {needed}).",
        ),
    ):
        if words and level < level_of(needed):
            quoted = ", ".join(f"'{b}'" for b in words)
            reasons.append(f"Overclaim: {quoted} " + why.format(needed=needed, grade=grade.value))
            return True
    return False

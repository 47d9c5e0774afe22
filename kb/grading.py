"""Grade the evidence behind one claim: a pure, versioned rubric whose numbers live in `rubric.json`.

Inspired by GRADE certainty (high / moderate / low / very low) and the Oxford CEBM levels, plus
"none" for a claim with no evidence at all. Grades are levels: high 4, moderate 3, low 2,
very low 1, none 0. With R = rubric.json and every cited work w:

    excluded(w)   retracted works, and literature-search candidates an editor has not accepted;
                  a work an editor judged "does not support"; and, unless an editor judged it, a
                  work whose conclusion did not find the effect the claim asserts (the
                  comparison's strength axis: "claims a benefit the study did not find")
    stance(w)     an editor's stance when one is set (supports / contradicts), else w.stance
    design(w)     w.design, or "animal" when w.human is False, or "unknown"
    start(w)      L[R.design_start[design(w)]]
                  a pooled design (R.pooled_designs) whose title/abstract names no randomized trial
                      (R.randomized_markers) starts at R.pooled_without_randomized_start instead
                  a work that is not resolved starts at min(that, R.unresolved_start): it is
                      "cites something unverifiable", never more
    indirect(w)   min(R.indirectness.max, sum of R.indirectness[part] for each part -
                      intervention, outcome, population - the work's Directness says it misses,
                      or the comparison's axis R.comparison.indirect_axes maps to it mismatches);
                      0 when an editor set a stance: the editor judged what the study is about
    imprecise(w)  for designs in R.imprecision.applies_to with a stated sample size n:
                      very_serious_downgrade if n < very_serious_below,
                      serious_downgrade if n < serious_below, else 0
    concern(w)    R.expression_of_concern_downgrade if an expression of concern is attached
    level(w)      max(min(start, F), start - indirect - imprecise - concern)
                      F = L[R.counted_work_floor]: a counted work never drops below very low
    best          max level(w) over supporting works; with none left the grade is "none"
                  capped at L[R.non_human_only_cap] when every supporting work is animal/in-vitro
    inconsistency R.inconsistency.stronger_downgrade if a contradicting work's level > best,
                  R.inconsistency.comparable_downgrade if one is >= best - comparable_within, else 0;
                  at least R.editor.contradiction_min_downgrade for a work an editor judged to
                  contradict the claim
    grade         max(min(best, F), best - inconsistency)
    score         R.scores[grade]
    overclaim     the claim has a booster and grade < R.overclaim.booster_min_grade, or a strong
                  booster (R.overclaim.strong_boosters) and grade < R.overclaim.strong_min_grade;
                  or the claim asserts more strongly than a supporting work concludes (the
                  comparison's strength axis, or a causal claim from a design in
                  R.comparison.observational_designs) and no supporting work concludes as strongly

    rank          score - OVERCLAIM_RANK_PENALTY if overclaim, else score: the claims lists'
                  "worst first" order (`claim_rank`)

A claim with no counted work gets "none"; the reasons say why (cites nothing, "attributed to
unnamed research", every cited work retracted, only contradicting works). Every step that moves a
grade adds one human-readable reason, so the grade can always be shown with its reasons. A
comparison axis that is "not stated" never moves anything; a "design and size" mismatch is a
reason only (the design and imprecision steps weigh design and size already). An editor's
"supports" makes a work count with no automatic judgement of it against the claim.
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

from pydantic import BaseModel, ConfigDict

from kb.comparison import Axis, Directness, Strength, StudyComparison, StudyEvidence, Verdict
from kb.models import (
    Assessment,
    Citation,
    CitationStatus,
    Claim,
    Design,
    EditorStance,
    Grade,
    StanceEvent,
    Work,
    WorkStatus,
)

__all__ = [
    "RUBRIC_VERSION",
    "Directness",
    "Stance",
    "WorkEvidence",
    "claim_rank",
    "grade_claim",
    "level_of",
    "mismatch_reasons",
    "rubric",
    "work_evidence",
]


class Stance(StrEnum):
    SUPPORTS = "supports"
    CONTRADICTS = "contradicts"


class WorkEvidence(BaseModel):
    """One work as evidence for one claim."""

    model_config = ConfigDict(extra="forbid")

    work: Work
    directness: Directness | None = None  # None: not assessed, no downgrade
    comparison: StudyComparison | None = None  # the claim beside this work; None: not compared
    stance: Stance = Stance.SUPPORTS
    editor: StanceEvent | None = None  # an editor's current stance: it overrides the automatic one
    candidate: bool = False  # a literature-search hit
    accepted: bool = False  # an editor accepted the candidate

    @property
    def effective_stance(self) -> Stance | None:
        """Supports or contradicts; None when an editor judged that the work does not support."""
        if self.editor is None:
            return self.stance
        return _EDITOR_STANCE[self.editor.stance]


_EDITOR_STANCE: dict[EditorStance, Stance | None] = {
    EditorStance.SUPPORTS: Stance.SUPPORTS,
    EditorStance.CONTRADICTS: Stance.CONTRADICTS,
    EditorStance.DOES_NOT_SUPPORT: None,
}


def work_evidence(
    citation: Citation,
    work: Work,
    *,
    comparison: StudyComparison | None = None,
    directness: Directness | None = None,
) -> WorkEvidence:
    """One cited (or candidate) work as evidence, with the editor's stance its citation carries."""
    return WorkEvidence(
        work=work,
        directness=directness,
        comparison=comparison,
        editor=citation.stance,
        candidate=citation.candidate,
        accepted=citation.accepted,
    )


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


def _a(label: str) -> str:
    return ("an " if label[:1] in "aeiou" else "a ") + label


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
    supporting = [(ev, _rate(ev)) for ev in counted if ev.effective_stance is Stance.SUPPORTS]
    contradicting = [(ev, _rate(ev)) for ev in counted if ev.effective_stance is Stance.CONTRADICTS]
    if not supporting:
        for _, rated in contradicting:
            reasons.extend(rated.steps)
        reasons.append(_why_none(claim, works, contradicting))
        grade = Grade.NONE
    else:
        grade = _combine(supporting, contradicting, reasons)
    overclaim = _overclaim(claim, grade, reasons)
    overclaim = _overstates_studies([ev for ev, _ in supporting], reasons) or overclaim
    judged = [ev for ev in works if _judged_against_claim(ev)]
    mismatches = [mismatch_reasons(ev) for ev in judged]
    compared = any(
        (ev.comparison is not None and ev.comparison.compared) or ev.editor is not None for ev in judged
    )
    return Assessment(
        claim_id=claim.id,
        grade=grade,
        score=float(rubric()["scores"][grade.value]),
        reasons=reasons,
        rubric_version=RUBRIC_VERSION,
        overclaim=overclaim,
        studies=[
            StudyEvidence(work_id=ev.work.id, comparison=ev.comparison, directness=ev.directness)
            for ev in works
            if ev.comparison is not None or ev.directness is not None
        ],
        study_mismatch=True if any(mismatches) else (False if compared else None),
        study_mismatch_count=sum(len(m) for m in mismatches),
        stances_seen=sorted(ev.editor.id for ev in works if ev.editor is not None),
        study_overstated=any(
            ev.comparison is not None
            and ev.comparison.axis(Axis.STRENGTH).verdict is Verdict.MISMATCH
            and bool(mismatch_reasons(ev))
            for ev in judged
        ),
    )


def _judged_against_claim(ev: WorkEvidence) -> bool:
    """Whether a work is one the claim is judged against: cited or accepted, and not retracted."""
    return not (ev.candidate and not ev.accepted) and not ev.work.retracted


def mismatch_reasons(ev: WorkEvidence) -> list[str]:
    """How a work does not match its claim, in words: an editor's "does not support" or
    "contradicts" first, then each mismatching axis of the comparison ("who: claim about people;
    study in mice"). [] when nothing mismatches or an editor judged that the work supports it."""
    if ev.editor is not None and ev.editor.stance is EditorStance.SUPPORTS:
        return []
    head = (
        [f"an editor ({ev.editor.by}) judged that it {ev.editor.stance.value} the claim"] if ev.editor else []
    )
    return head + (ev.comparison.reasons() if ev.comparison else [])


def _by(event: StanceEvent) -> str:
    return f"an editor ({event.by}) judged that {{work}} {event.stance.value} the claim"


def _counted(works: Sequence[WorkEvidence], reasons: list[str]) -> list[WorkEvidence]:
    counted = []
    for ev in works:
        label = _label(ev.work)
        if ev.candidate and not ev.accepted:
            reasons.append(f"Not counted: {label} is a literature-search candidate not yet accepted.")
        elif ev.work.retracted:
            reasons.append(f"Excluded: {label} is retracted.")
        elif ev.editor is not None and ev.editor.stance is EditorStance.DOES_NOT_SUPPORT:
            reasons.append("Not counted: " + _by(ev.editor).format(work=label) + ".")
        elif ev.editor is None and ev.comparison is not None and ev.comparison.found_no_effect:
            why = ev.comparison.axis(Axis.STRENGTH).reason
            reasons.append(f"Not counted: {label} does not support the claim (strength: {why}).")
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
        if ev.editor is not None:  # the page's own citation, read by an editor: it always weighs
            step = max(step, r["editor"]["contradiction_min_downgrade"])
        if step > down:
            down = step
            who = (
                _by(ev.editor).format(work=_label(ev.work))
                if ev.editor
                else f"{_label(ev.work)} contradicts the claim"
            )
            reasons.append(f"-{step} inconsistency: {who}.")
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
    verb = "contradicting" if ev.effective_stance is Stance.CONTRADICTS else "supporting"
    steps = [f"{_label(work)} ({verb}): {why}; starts at {_grade_at(start).value}."]
    if ev.editor is not None:
        steps.append(_editor_step(ev, ev.editor))
        down = 0  # the editor judged what the study is about: no automatic indirectness
    else:
        down = _indirectness(ev.directness, ev.comparison, steps)
    if (
        ev.editor is None
        and ev.comparison is not None
        and (design_axis := ev.comparison.axis(Axis.DESIGN)).verdict is Verdict.MISMATCH
    ):
        steps.append(
            f"Noted (design and size): {design_axis.reason}; weighed by the design and sample-size steps."
        )
    down += _imprecision(work, design, steps)
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


def _editor_step(ev: WorkEvidence, event: StanceEvent) -> str:
    said = _by(event).format(work=_label(ev.work))
    step = said[0].upper() + said[1:]
    if event.stance is EditorStance.SUPPORTS and ev.comparison is not None and ev.comparison.mismatches:
        axes = ", ".join(a.axis.value for a in ev.comparison.mismatches)
        return f"{step}: the comparison's mismatches ({axes}) are shown, not counted."
    return step + "."


_PARTS = ("intervention", "outcome", "population")


def _indirectness(directness: Directness | None, comparison: StudyComparison | None, steps: list[str]) -> int:
    weights = rubric()["indirectness"]
    found = {
        "intervention": directness.intervention_match if directness else None,
        "outcome": directness.outcome_match if directness else None,
        "population": directness.population_match if directness else None,
    }
    missed = {part for part, match in found.items() if match is False}
    compared: dict[str, str] = {}  # part -> the comparison's words for it, which say it best
    if comparison is not None:
        for axis, part in rubric()["comparison"]["indirect_axes"].items():
            judged = comparison.axis(Axis(axis))
            if judged.verdict is Verdict.MISMATCH:
                compared[part] = f"{judged.axis.value}: {judged.reason}"
    # Directness reasons name every part, matched or not; quote only the mismatches.
    said = [
        r
        for r in (directness.reasons if directness else [])
        if "not" in r and any(f"the {p}" in r for p in missed - set(compared))
    ]
    said += compared.values()
    missed |= set(compared)
    ordered = [p for p in _PARTS if p in missed]
    down = min(weights["max"], sum(weights[part] for part in ordered))
    if down:
        detail = "; ".join(said) or " and ".join(ordered) + " differ from the claim"
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


def _overstates_studies(supporting: Sequence[WorkEvidence], reasons: list[str]) -> bool:
    """Overclaim when the claim asserts more strongly than a supporting work concludes and no
    supporting work concludes as strongly (an editor's "supports" settles a work; "not stated"
    neither overstates nor matches)."""
    overstated: list[str] = []
    carried = False
    observational = rubric()["comparison"]["observational_designs"]
    for ev in supporting:
        if ev.editor is not None or ev.comparison is None:
            carried = carried or ev.editor is not None
            continue
        comparison, label = ev.comparison, _label(ev.work)
        page = comparison.claim_strength
        strength = comparison.axis(Axis.STRENGTH)
        causal = page.asserts_effect and page.strength is Strength.CAUSAL
        design = _design(ev.work)
        if causal and design in observational:
            named = rubric()["design_labels"][design]
            overstated.append(f"a causal claim from {label}, {_a(named)}, which shows association, not cause")
        elif strength.verdict is Verdict.MISMATCH:
            overstated.append(f"the claim asserts more than {label} concludes ({strength.reason})")
        elif strength.verdict is Verdict.MATCH:
            carried = True
    if overstated and not carried:
        reasons.append("Overclaim: " + "; ".join(overstated) + ".")
        return True
    return False


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

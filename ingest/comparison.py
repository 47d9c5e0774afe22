"""The claim beside its study: what the page says against what the cited work did. Pure: no I/O.

`compare(claim, work)` reads the claim (its text, atoms and cues) and the work's record (title,
abstract, MeSH, design, sample size, trial phase and status) and answers on five axes
(`kb.comparison.Axis`), each `match`, `mismatch` or `not stated` with a short reason:

- **who**: people, animals or cells; the condition and population. A health claim on a page is
  about people unless it names animals. Mismatch: "claim about people; study in mice", "claim
  about alcohol use disorder; study in depression".
- **what**: the intervention and its form or route (`ingest/data/comparison.json`). Mismatch:
  "claim about intravenous ketamine; study of intranasal esketamine".
- **outcome**: each outcome of the claim's atoms, looked for in the record; a promise of a cure
  against any measured change. Mismatch: "claim: cures cravings; study: craving at 2 weeks".
- **design and size**: design, n, phase, status. Mismatch: "a pilot of 12", "a trial still
  recruiting: no results", "causal claim from a cohort study".
- **strength**: the page sentence's strength (`ingest.strength`) against the study's conclusion
  (the abstract's labelled conclusion, else its last two sentences). A sentence that reports or
  claims no effect asserts nothing (level 0). The page overstates when its expected level exceeds
  the conclusion's by more than `STRENGTH_MARGIN` (chosen on InSciOut's train split). Mismatch:
  "causal claim from a correlational conclusion", "claims a benefit the study did not find".

Unknown stays unknown: names are matched as `ingest.directness` matches them (every content word
of a lexicon form), and a part the record does not state gives `not stated`, never a match. A
mismatch is only said when the record states something else (another condition, a route, an
animal), or when an abstract is there and never names what the claim is about.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from ingest.atoms import find_population
from ingest.classify import is_human, sample_size
from ingest.cues import find_hedges
from ingest.directness import find_form
from ingest.entities import find_mentions
from ingest.lexicons import any_of, load_lexicon
from ingest.strength import StrengthModel, classify_strength
from kb.comparison import Axis, AxisComparison, Strength, StrengthReading, StudyComparison, Verdict
from kb.grading import rubric
from kb.models import Claim, ClaimKind, Design, EntityKind, Work

__all__ = ["STRENGTH_MARGIN", "compare", "compare_strength", "study_conclusion"]

# Chosen on insciout_train.jsonl among 0, 0.25, 0.5, 0.75 (F1 of "exaggerated" printed by
# python -m benchmarks.strength_eval --tune; see docs/rubric.md).
STRENGTH_MARGIN = 0.25
_OBSERVATIONAL = frozenset({Design.COHORT, Design.CASE_CONTROL, Design.CROSS_SECTIONAL})
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"'“])")


@dataclass(frozen=True)
class _Lexicon:
    routes: dict[str, re.Pattern[str]]
    species: re.Pattern[str]
    cells: re.Pattern[str]
    absolute: re.Pattern[str]
    pilot: re.Pattern[str]
    unfinished: dict[str, str]
    early_phases: frozenset[str]
    design_concerns: dict[str, str]
    conclusion: re.Pattern[str]
    time_point: re.Pattern[str]


@cache
def _lexicon() -> _Lexicon:
    raw = load_lexicon("comparison.json")
    labels = "|".join(raw["conclusion_labels"])
    return _Lexicon(
        # "IV" must be written in capitals: "iv" inside a Roman numeral list is not a route.
        routes={
            name: re.compile(
                r"(?<![\w-])(?:" + "|".join(f if f == "IV" else f"(?i:{f})" for f in forms) + r")(?![\w-])"
            )
            for name, forms in raw["routes"].items()
        },
        species=any_of(raw["species"]),
        cells=any_of(raw["cells"]),
        absolute=any_of(raw["absolute_effects"]),
        pilot=any_of(raw["pilot"]),
        unfinished=raw["unfinished_status"],
        early_phases=frozenset(raw["early_phases"]),
        design_concerns=raw["design_concerns"],
        conclusion=re.compile(rf"(?:^|\n|(?<=[.!?])\s+|\s)(?:{labels})\s*[:.—–-]\s*", re.IGNORECASE),
        time_point=re.compile(raw["time_point"], re.IGNORECASE),
    )


def study_conclusion(abstract: str | None) -> str | None:
    """The abstract's labelled conclusion ("Conclusions: ..."), else its last two sentences."""
    if not abstract or not abstract.strip():
        return None
    text = " ".join(abstract.split())
    labelled = list(_lexicon().conclusion.finditer(text))
    if labelled:
        tail = text[labelled[-1].end() :].strip()
        # Up to the next all-capitals heading ("TRIAL REGISTRATION:"), if any follows.
        tail = re.split(r"\s(?:[A-Z]{3,}(?: [A-Z]{2,})*):\s", tail)[0].strip()
        if tail:
            return tail
    sentences = [s for s in _SENTENCE.split(text) if s.strip()]
    return " ".join(sentences[-2:])


def _routes(text: str) -> list[str]:
    return [name for name, pattern in _lexicon().routes.items() if pattern.search(text)]


def _names(text: str, kind: EntityKind) -> list[str]:
    return list(dict.fromkeys(m.name for m in find_mentions(text) if m.kind is kind))


def _a(label: str) -> str:
    return ("an " if label[:1] in "aeiou" else "a ") + label


def _distinct(names: Sequence[str]) -> list[str]:
    """`names` without those another name contains ("depression" beside "treatment-resistant depression")."""
    return [n for n in names if not any(n != m and n in m for m in names)]


def _quote(names: Sequence[str]) -> str:
    return ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else (names[0] if names else "")


def compare(claim: Claim, work: Work, *, model: StrengthModel | None = None) -> StudyComparison:
    """`claim` beside `work`, axis by axis (see the module docstring)."""
    abstract = getattr(work, "abstract", None)
    text = " ".join(filter(None, [work.title, abstract, *work.mesh]))
    conclusion = study_conclusion(abstract)
    page = classify_strength(claim.text, model)
    study = classify_strength(conclusion, model) if conclusion else None
    axes = [
        _who(claim, work, text),
        _what(claim, work, text),
        _outcome(claim, work, text, conclusion),
        _design(page, work),
        compare_strength(page, study, boosters=claim.cues.boosters, benefit=claim.kind is ClaimKind.EFFICACY),
    ]
    return StudyComparison(
        claim_id=claim.id,
        work_id=work.id,
        axes=axes,
        claim_strength=page,
        study_strength=study,
        study_conclusion=conclusion,
    )


def _who(claim: Claim, work: Work, text: str) -> AxisComparison:
    lex = _lexicon()
    population = next((a.population for a in claim.atoms if a.population), None) or find_population(
        claim.text
    )
    conditions = _names(claim.text, EntityKind.CONDITION)
    claim_who = population or (f"people with {_quote(conditions)}" if conditions else "people")
    if species := lex.species.search(claim.text):
        claim_who = species.group().lower()
    unsaid = [c for c in conditions if c not in claim_who.lower()]
    says = f"{claim_who} ({_quote(unsaid)})" if unsaid else claim_who

    def axis(verdict: Verdict, did: str | None, reason: str) -> AxisComparison:
        return AxisComparison(axis=Axis.WHO, verdict=verdict, claim_says=says, study_did=did, reason=reason)

    human = work.human if work.human is not None else (is_human(work.mesh, text) if text else None)
    undesigned = work.design in (None, Design.UNKNOWN)
    if work.design is Design.IN_VITRO or (undesigned and human is None and lex.cells.search(text)):
        return axis(Verdict.MISMATCH, "cells", f"claim about {claim_who}; study in cells (in vitro)")
    if (work.design is Design.ANIMAL or human is False) and not species:
        found = lex.species.search(text)
        animals = found.group().lower() if found else "animals"
        return axis(Verdict.MISMATCH, animals, f"claim about {claim_who}; study in {animals}")
    if not text:
        return axis(Verdict.NOT_STATED, None, "no title or abstract: who was studied is not stated")
    studied = _distinct(_names(text, EntityKind.CONDITION))
    matched = [c for c in conditions if isinstance(find_form(c, text), str)]
    missing = [c for c in conditions if find_form(c, text) is False]
    if missing and studied and not set(studied) & set(conditions):
        return axis(
            Verdict.MISMATCH, _quote(studied), f"claim about {_quote(missing)}; study in {_quote(studied)}"
        )
    if missing and matched:
        return axis(
            Verdict.MISMATCH,
            _quote(matched),
            f"claim about {_quote(conditions)}; study in {_quote(matched)} only",
        )
    groups = _names(text, EntityKind.POPULATION)
    if population and find_form(population, text) is False and groups:
        return axis(Verdict.MISMATCH, _quote(groups), f"claim about {population}; study in {_quote(groups)}")
    if missing:
        return axis(Verdict.NOT_STATED, None, f"the record does not say the study was in {_quote(missing)}")
    if human is not True:
        return axis(Verdict.NOT_STATED, None, "the record does not say whether the study was in people")
    did = (
        "people"
        + (f" with {_quote(matched)}" if matched else "")
        + (f" ({_quote(groups)})" if groups else "")
    )
    return axis(Verdict.MATCH, did, f"both about {did}")


def _what(claim: Claim, work: Work, text: str) -> AxisComparison:
    names = list(dict.fromkeys(a.intervention for a in claim.atoms)) or _names(
        claim.text, EntityKind.INTERVENTION
    )
    claim_routes = _routes(claim.text)
    route = f"{' or '.join(claim_routes)} " if claim_routes else ""
    says = f"{route}{_quote(names)}" if names else None

    def axis(verdict: Verdict, did: str | None, reason: str) -> AxisComparison:
        return AxisComparison(axis=Axis.WHAT, verdict=verdict, claim_says=says, study_did=did, reason=reason)

    if not names:
        return axis(Verdict.NOT_STATED, None, "the claim names no intervention to compare")
    if not text:
        return axis(Verdict.NOT_STATED, None, "no title or abstract: what was studied is not stated")
    forms = [find_form(n, text) for n in names]
    found = [f for f in forms if isinstance(f, str)]
    if found:
        study_routes = _routes(text)
        did = f"{' or '.join(study_routes)} {found[0]}" if study_routes else found[0]
        if claim_routes and study_routes and not set(claim_routes) & set(study_routes):
            return axis(Verdict.MISMATCH, did, f"claim about {says}; study of {did}")
        if claim_routes and not study_routes:
            return axis(Verdict.NOT_STATED, did, f"the study is of {found[0]}; its route is not stated")
        return axis(Verdict.MATCH, did, f"both about {did if claim_routes else found[0]}")
    if all(f is True for f in forms):
        return axis(
            Verdict.NOT_STATED, None, f"the claim's intervention ({_quote(names)}) is too generic to compare"
        )
    others = [n for n in _names(text, EntityKind.INTERVENTION) if n not in {x.lower() for x in names}]
    if others:
        return axis(Verdict.MISMATCH, _quote(others), f"claim about {says}; study of {_quote(others)}")
    if getattr(work, "abstract", None):
        return axis(
            Verdict.MISMATCH, None, f"claim about {says}; the study's title and abstract never name it"
        )
    return axis(
        Verdict.NOT_STATED, None, f"the title does not name {_quote(names)}, and there is no abstract"
    )


def _outcome(claim: Claim, work: Work, text: str, conclusion: str | None) -> AxisComparison:
    atoms = list({a.outcome.lower(): a for a in claim.atoms}.values())
    says = _quote([f"{a.effect} {a.outcome}" for a in atoms]) or None

    def axis(verdict: Verdict, did: str | None, reason: str) -> AxisComparison:
        return AxisComparison(
            axis=Axis.OUTCOME, verdict=verdict, claim_says=says, study_did=did, reason=reason
        )

    if not atoms:
        return axis(Verdict.NOT_STATED, None, "the claim names no outcome to compare")
    if not text:
        return axis(Verdict.NOT_STATED, None, "no title or abstract: the outcome measured is not stated")
    forms = {a.outcome: find_form(a.outcome, text) for a in atoms}
    found = [f for f in forms.values() if isinstance(f, str)]
    missing = [o for o, f in forms.items() if f is False]
    when = _lexicon().time_point.search(conclusion or "") or _lexicon().time_point.search(text)
    did = _quote(found) + (f" {when.group()}" if when and found else "") if found else None
    if found and (absolute := _lexicon().absolute.search(claim.text)):
        return axis(
            Verdict.MISMATCH,
            did,
            f"claim: {absolute.group().lower()} {_quote(list(forms))}; study measured {did}",
        )
    if missing and getattr(work, "abstract", None):
        what = (
            f"study measures {did}, not {_quote(missing)}"
            if found
            else f"the study does not measure {_quote(missing)}"
        )
        return axis(Verdict.MISMATCH, did, f"claim: {says}; {what}")
    if found:
        return axis(Verdict.MATCH, did, f"claim: {says}; study measures {did}")
    if missing:
        return axis(
            Verdict.NOT_STATED, None, f"the title does not name {_quote(missing)}, and there is no abstract"
        )
    return axis(
        Verdict.NOT_STATED, None, f"the claim's outcome ({_quote(list(forms))}) is too generic to compare"
    )


def _design(page: StrengthReading, work: Work) -> AxisComparison:
    lex = _lexicon()
    abstract = getattr(work, "abstract", None)
    design = work.design if work.design is not Design.UNKNOWN else None
    label = _a(rubric()["design_labels"][design.value]) if design else None
    n = work.sample_size if work.sample_size is not None else (sample_size(abstract) if abstract else None)
    phase = (getattr(work, "trial_phase", None) or "").strip().lower() or None
    status = (getattr(work, "trial_status", None) or "").strip().lower() or None
    # From the title only: an abstract often mentions the pilot study that came before.
    pilot = lex.pilot.search(work.title or "")
    parts = [label, f"n = {n}" if n is not None else None, phase, status]
    did = ", ".join(p for p in parts if p) or None
    concerns = []
    if status in lex.unfinished:
        concerns.append(lex.unfinished[status])
    if phase in lex.early_phases:
        concerns.append(f"an early-phase trial ({phase}): it tests safety and dose, not benefit")
    kind = _a(pilot.group().lower()) + " study" if pilot else None
    if n is not None and n < rubric()["imprecision"]["very_serious_below"]:
        concerns.append(f"{kind} of {n}" if kind else f"a small study (n = {n})")
    elif kind:
        concerns.append(kind)
    if (
        design
        and design.value in lex.design_concerns
        and not (design is Design.TRIAL_REGISTRATION and concerns)
    ):
        concerns.append(lex.design_concerns[design.value])
    if label and design in _OBSERVATIONAL and page.asserts_effect and page.strength is Strength.CAUSAL:
        concerns.append(f"causal claim from {label}, which shows association, not cause")

    def axis(verdict: Verdict, reason: str) -> AxisComparison:
        return AxisComparison(axis=Axis.DESIGN, verdict=verdict, study_did=did, reason=reason)

    if concerns:
        return axis(Verdict.MISMATCH, "; ".join(dict.fromkeys(concerns)))
    if label is None:
        return axis(Verdict.NOT_STATED, "the record does not state the design")
    return axis(Verdict.MATCH, label + (f" of {n}" if n is not None else " (size not stated)"))


def _level(reading: StrengthReading) -> tuple[int, float]:
    """The level and expected level a sentence asserts: 0 when it reports or claims no effect."""
    if not reading.asserts_effect:
        return 0, 0.0
    return reading.strength.level, reading.score


def _describe(reading: StrengthReading) -> str:
    if reading.null_finding:
        return f"no effect found ('{reading.null_finding}')"
    if reading.negated:
        return "denies an effect"
    return f"{reading.strength.value} ({reading.score:.1f} of 3)"


def compare_strength(
    page: StrengthReading,
    study: StrengthReading | None,
    *,
    boosters: Sequence[str] = (),
    benefit: bool = True,
    margin: float = STRENGTH_MARGIN,
) -> AxisComparison:
    """Does the page assert more than the study concludes? (see the module docstring)"""
    says = _describe(page) + (f", with {', '.join(repr(b) for b in boosters)}" if boosters else "")
    if study is None:
        return AxisComparison(
            axis=Axis.STRENGTH,
            verdict=Verdict.NOT_STATED,
            claim_says=says,
            reason="no abstract or conclusion to compare the claim's strength with",
        )
    page_level, page_score = _level(page)
    study_level, study_score = _level(study)
    did = _describe(study)
    if page_level <= study_level or page_score - study_score <= margin:
        return AxisComparison(
            axis=Axis.STRENGTH,
            verdict=Verdict.MATCH,
            claim_says=says,
            study_did=did,
            reason="no stronger than the study's conclusion",
        )
    return AxisComparison(
        axis=Axis.STRENGTH,
        verdict=Verdict.MISMATCH,
        claim_says=says,
        study_did=did,
        reason=_overstated(page, study, benefit),
    )


def _overstated(page: StrengthReading, study: StrengthReading, benefit: bool) -> str:
    if study.null_finding or study.negated:
        what = "a benefit" if benefit else "an effect"
        found = f" ('{study.null_finding}')" if study.null_finding else ""
        return f"claims {what} the study did not find{found}"
    said, concluded = page.strength, study.strength
    if concluded is Strength.NONE:
        return "claims a relationship the study's conclusion does not state"
    if said is Strength.CAUSAL and concluded is Strength.CORRELATIONAL:
        return "causal claim from a correlational conclusion"
    if said is Strength.CAUSAL and concluded is Strength.CONDITIONAL:
        hedges = find_hedges(study.text)
        # The modal says it best ("may"), before a reporting verb ("suggest") that comes first.
        hedge = next(
            (h for h in hedges if h in ("may", "might", "could", "can")), hedges[0] if hedges else None
        )
        only = f" ('{hedge}')" if hedge else ""
        return f"states as fact what the study only suggests{only}"
    if said is Strength.CONDITIONAL and concluded is Strength.CORRELATIONAL:
        return "a (hedged) causal claim from a correlational conclusion"
    return f"asserts more strongly than the study concludes ({page.score:.1f} against {study.score:.1f} of 3)"

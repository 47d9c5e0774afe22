"""The claim beside its study: what one comparison says, axis by axis (models only; pure).

`ingest.comparison.compare(claim, work)` fills these in; grading and the app read them. A
comparison never guesses: an axis whose study side the record does not state is `not stated`,
never a match.

    StudyComparison       one claim beside one cited (or accepted candidate) work
    ├── AxisComparison    who, what, outcome, design and size, strength: a verdict and a reason
    ├── StrengthReading   how strongly the page sentence asserts (the claim side)
    └── StrengthReading   how strongly the study's conclusion asserts (the study side), or None
    Directness            whether a work studies the claim's intervention, outcome, population
    StudyEvidence         what grading read of one work: its comparison and directness (stored
                          on the claim's CITES or CANDIDATE edge with the assessment)

This module imports no other of kb's: `kb.models` holds these in an `Assessment`.

The strength scale is the one of Yu et al. (2019) and InSciOut (Sumner et al. 2014), in order:

    0 no relationship     "Levels were within the normal range."
    1 correlational       "X is associated with / linked to / predicts Y", "higher Y among X"
    2 conditional causal  "X may / might / could / appears to reduce Y"
    3 direct causal       "X reduces / increases / cures / leads to Y", "X is effective for Y"

A page asserts more than its study when its level is higher than the conclusion's.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Axis",
    "AxisComparison",
    "Directness",
    "Strength",
    "StrengthReading",
    "StudyComparison",
    "StudyEvidence",
    "Verdict",
]


class Model(BaseModel):
    """`kb.models.Model`'s configuration, repeated so this module imports nothing of kb's."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Strength(StrEnum):
    """How strongly a sentence asserts a relationship (Yu et al. 2019), weakest first."""

    NONE = "no relationship"
    CORRELATIONAL = "correlational"
    CONDITIONAL = "conditional causal"
    CAUSAL = "direct causal"

    @property
    def level(self) -> int:
        """0..3, the numbering of InSciOut and of Yu et al.'s data files."""
        return _LEVELS[self]

    @classmethod
    def at(cls, level: int) -> Strength:
        return _BY_LEVEL[level]


_LEVELS = {Strength.NONE: 0, Strength.CORRELATIONAL: 1, Strength.CONDITIONAL: 2, Strength.CAUSAL: 3}
_BY_LEVEL = {v: k for k, v in _LEVELS.items()}


class Axis(StrEnum):
    WHO = "who"  # humans / animals / cells; the population or condition
    WHAT = "what"  # the intervention, its form and route
    OUTCOME = "outcome"
    DESIGN = "design and size"  # design, n, trial phase and status
    STRENGTH = "strength"  # the page's assertion against the study's conclusion


class Verdict(StrEnum):
    MATCH = "match"  # the record states it, and it agrees with the claim
    MISMATCH = "mismatch"  # the record states it, and it does not carry the claim
    NOT_STATED = "not stated"  # the record does not say (no abstract, too vague): never a match


class StrengthReading(Model):
    """A sentence's strength and the classifier's probability for each level (0..3)."""

    strength: Strength
    probabilities: list[float] = Field(default_factory=list)  # by level; empty when not classified
    text: str = ""  # the sentence (or conclusion) read
    null_finding: str | None = None  # a phrase saying no effect was found ("no significant difference")
    negated: bool = False  # the sentence itself denies an effect ("does not cure")

    @property
    def score(self) -> float:
        """The expected level, 0..3 (Σ level · probability); the level itself when not classified."""
        if len(self.probabilities) != len(_LEVELS):
            return float(self.strength.level)
        return sum(level * p for level, p in enumerate(self.probabilities))

    @property
    def asserts_effect(self) -> bool:
        """False when the sentence reports no effect, or denies one: it then asserts nothing."""
        return not (self.null_finding or self.negated)


class AxisComparison(Model):
    axis: Axis
    verdict: Verdict
    claim_says: str | None = None  # "people with alcohol use disorder"
    study_did: str | None = None  # "mice"; None when not stated
    reason: str  # short, in words: "claim about people; study in mice"


class StudyComparison(Model):
    """One claim beside one work, one `AxisComparison` per `Axis`, in the order of `Axis`."""

    claim_id: str
    work_id: str
    axes: list[AxisComparison]
    claim_strength: StrengthReading
    study_strength: StrengthReading | None = None  # None: no conclusion to read
    study_conclusion: str | None = None  # the sentences the study side was read from

    def axis(self, axis: Axis) -> AxisComparison:
        return next(a for a in self.axes if a.axis is axis)

    @property
    def mismatches(self) -> list[AxisComparison]:
        return [a for a in self.axes if a.verdict is Verdict.MISMATCH]

    @property
    def matches_study(self) -> bool | None:
        """False when any axis mismatches; True only when every axis matches; else None (unknown)."""
        if self.mismatches:
            return False
        if all(a.verdict is Verdict.MATCH for a in self.axes):
            return True
        return None

    def reasons(self) -> list[str]:
        """The mismatches in words, one line each: "who: claim about people; study in mice"."""
        return [f"{a.axis.value}: {a.reason}" for a in self.mismatches]

    @property
    def found_no_effect(self) -> bool:
        """The claim asserts an effect the study's conclusion says it did not find (or denies)."""
        return (
            self.axis(Axis.STRENGTH).verdict is Verdict.MISMATCH
            and self.study_strength is not None
            and not self.study_strength.asserts_effect
        )

    @property
    def overstated(self) -> bool:
        """The claim asserts more strongly than the study concludes (an effect the study did find)."""
        return self.axis(Axis.STRENGTH).verdict is Verdict.MISMATCH and not self.found_no_effect

    @property
    def compared(self) -> bool:
        """Whether anything could be compared: some axis is a match or a mismatch."""
        return any(a.verdict is not Verdict.NOT_STATED for a in self.axes)


class Directness(BaseModel):
    """Whether a work studies what the claim is about. None: not judged (the claim states no such part)."""

    model_config = ConfigDict(extra="forbid")

    intervention_match: bool | None = None
    outcome_match: bool | None = None
    population_match: bool | None = None
    direct: bool = True
    reasons: list[str] = Field(default_factory=list)


class StudyEvidence(Model):
    """What grading read of one work for one claim, written with the assessment onto the claim's
    edge to the work, so the store can grade the claim again without `ingest` (an editor's stance,
    `kb.store.GraphStore.set_stance`)."""

    work_id: str
    comparison: StudyComparison | None = None  # None: not compared (no record to read)
    directness: Directness | None = None  # None: not assessed

"""The app's one palette: grades, citation statuses, overclaim and node kinds (pure data).

Every coloured thing reads from here: the highlighted article text (tints), the badges, the
tables, the report card's chart and the graph (strong colours). Grades run green → red by
certainty; citation statuses use other hues (blue, purple, slate) so "none" (a grade) and
"missing" (a citation status) never look alike, and node kinds avoid the grade hues (an Entity
is teal, not orange like "very low"). Each strong colour carries its own readable text colour.
The claim beside its study keeps the grades' sense of colour: a match is green, a mismatch red
(the claim outruns its evidence, as an overclaim does), "not stated" grey; an editor's stance
likewise (supports green, contradicts red, does not support grey). Colour is never the only
signal: each verdict and stance is also written in words with its own sign (`VERDICT_SIGN`,
`STANCE_SIGN`).
"""

from __future__ import annotations

from dataclasses import dataclass

from kb.comparison import Verdict
from kb.models import CitationStatus, Grade


@dataclass(frozen=True)
class Swatch:
    strong: str  # badges, chart bars, graph nodes
    tint: str  # highlighted text
    ink: str  # text on `strong`


GRADE: dict[str, Swatch] = {  # keyed by `Grade`, read by its value too
    Grade.HIGH: Swatch("#2b8a3e", "#b2f2bb", "#ffffff"),
    Grade.MODERATE: Swatch("#74b816", "#d8f5a2", "#1b2b06"),
    Grade.LOW: Swatch("#fcc419", "#fff3bf", "#3b2a00"),
    Grade.VERY_LOW: Swatch("#f76707", "#ffd8a8", "#ffffff"),
    Grade.NONE: Swatch("#c92a2a", "#ffc9c9", "#ffffff"),
}
STATUS: dict[str, Swatch] = {
    CitationStatus.CITED: Swatch("#1971c2", "#a5d8ff", "#ffffff"),
    CitationStatus.VAGUE: Swatch("#9c36b5", "#eebefa", "#ffffff"),
    CitationStatus.MISSING: Swatch("#495057", "#dee2e6", "#ffffff"),
}
OVERCLAIM = Swatch("#e03131", "#fff5f5", "#ffffff")
FLAGGED = Swatch("#d6336c", "#ffdeeb", "#ffffff")
UNKNOWN = Swatch("#ced4da", "#f1f3f5", "#212529")

VERDICT: dict[str, Swatch] = {  # keyed by `kb.comparison.Verdict`
    Verdict.MATCH: Swatch("#2b8a3e", "#ebfbee", "#ffffff"),
    Verdict.MISMATCH: Swatch("#e03131", "#ffe3e3", "#ffffff"),
    Verdict.NOT_STATED: Swatch("#868e96", "#f1f3f5", "#ffffff"),
}
VERDICT_SIGN = {Verdict.MATCH: "✓", Verdict.MISMATCH: "≠", Verdict.NOT_STATED: "?"}
STUDY_MISMATCH = VERDICT[Verdict.MISMATCH]  # the Article view's mark, the worklist's badge
# An editor's stance on a work (`kb.models.EditorStance` values).
STANCE: dict[str, Swatch] = {
    "supports": Swatch("#2b8a3e", "#ebfbee", "#ffffff"),
    "does not support": Swatch("#868e96", "#f1f3f5", "#ffffff"),
    "contradicts": Swatch("#e03131", "#ffe3e3", "#ffffff"),
}
STANCE_SIGN = {"supports": "👍", "does not support": "∅", "contradicts": "👎"}

# Node kinds in the graph: hues apart from the grades', and a shape each (claims are squares,
# coloured by grade).
NODE = {
    "Source": (Swatch("#364fc7", "#dbe4ff", "#ffffff"), "hexagon"),
    "Claim": (Swatch("#868e96", "#f1f3f5", "#ffffff"), "round-rectangle"),
    "Proposition": (Swatch("#5f3dc4", "#e5dbff", "#ffffff"), "diamond"),
    "Entity": (Swatch("#0c8599", "#c5f6fa", "#ffffff"), "ellipse"),
    "Work": (Swatch("#8f5b34", "#f3e3d3", "#ffffff"), "barrel"),
    "Assessment": (Swatch("#495057", "#e9ecef", "#ffffff"), "round-triangle"),
    "Flag": (Swatch("#d6336c", "#ffdeeb", "#ffffff"), "tag"),
    "FlagEvent": (Swatch("#adb5bd", "#f1f3f5", "#212529"), "ellipse"),
}


def grade_swatch(grade: object) -> Swatch:
    """A grade's colours; a value that is no grade (from a console query's node) gets UNKNOWN."""
    return GRADE.get(grade, UNKNOWN) if isinstance(grade, str) else UNKNOWN


def status_swatch(status: object) -> Swatch:
    return STATUS.get(status, UNKNOWN) if isinstance(status, str) else UNKNOWN

"""Sentence segmentation of extracted article text, with exact character offsets.

Extracted web text is a sequence of lines: headings, paragraphs, list items, navigation. Each line
(or run of soft-wrapped lines) is a *unit*; a unit's leading bullet marker is dropped, and pysbd
splits the rest into sentences. pysbd knows abbreviations ("et al.", "e.g.", "Dr.", "vs."), decimals
("2.5 mg") and initials, but it may rewrite whitespace and does not split after a superscript
citation flattened into the text ("conditions.1,2 Next"), so every segment is re-located in the
original text and such citations are split off here, staying with the sentence they support.
A unit with no sentence end inside it (a heading, a one-sentence paragraph) skips pysbd, which
is the slow part, and so does a *plain* unit: plain words, digits and commas whose only sentence
ends are a lower-case word of three letters or more (not an abbreviation pysbd knows, not a roman
numeral) and a period, "!" or "?", then spaces and a capital. pysbd splits such a unit exactly
there, so it is split here at a fraction of the cost (tests/ingest/test_sentences.py checks the
two agree on real abstracts).

A unit too long for pysbd at once (its time grows with the square of a unit's length: a 1.2 MB
paragraph took 700 s) is cut first: after every sentence end a simple rule is sure of (a word of
two letters or more, not an abbreviation, or a number, then ".", "!" or "?", spaces and a
capital), and a piece still too long at a space, or anywhere. Each piece is segmented as above;
a sentence a cut went through is joined again.

Invariant: for every sentence, `text[s.start:s.end] == s.text`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

import pysbd  # type: ignore[import-untyped]
from pydantic import BaseModel, ConfigDict

_BULLET = re.compile(r"[ \t]*(?:[•●▪◦‣∙·○■□➢➤►✓✔\-–—*+]|\(?\d{1,2}[.)]|\(?[a-h]\))[ \t]+")
_TERMINAL = ".!?…;,"
_LINE = re.compile(r"[^\n]+")
_INNER_END = re.compile(r"[.!?…][\"'”’)\]]*\d*\s+\S")  # a possible sentence end before more text
# A sentence end followed by superscript citation numbers, then the next sentence's capital.
_SUPERSCRIPT_END = re.compile(
    r"(?<=[a-z%)\]][.!?])(?:\d{1,3}(?:[,–-]\d{1,3})*|\[\d{1,3}(?:[,–-]\d{1,3})*\])(?=\s+[\"“(]?[A-Z])"
)
# A plain unit (see the module docstring): no quotes, brackets or other punctuation pysbd has rules for.
_PLAIN_CHARS = re.compile(r"[A-Za-z0-9 ,;:'’\-–—/&+%$.!?()\[\]]+")
_GROUP = re.compile(r"\([^()\[\]]*\)|\[[^()\[\]]*\]")  # innermost brackets
# "(i)", "(a)", "[3]" label list items and "(...) Next" may close one: pysbd splits there
_LIST_LABEL = re.compile(r"[(\[] *[A-Za-z0-9]{1,4} *[)\]]|[)\]] +[A-Z]")
_QUOTE = re.compile(r"(?<![A-Za-z])['’]")
_TERMINALS = re.compile(r"[.!?]")
_PLAIN_END = re.compile(r"(?<![A-Za-z'’])([a-z]{3,})[.!?](?: +(?=[A-Za-z])| *$)")
_ROMAN = re.compile(r"[ivxlcdm]+")
_MAX_HEADING_WORDS = 15
_MAX_LEAD_IN_WORDS = 6  # a longer line ending in ":" introduces a list; it is not a heading
# A longer unit is cut before pysbd: far longer than the paragraphs of the fixtures and the
# benchmark corpus (~2,200 characters at most), so they are segmented as before.
_LONG_UNIT = 10_000
_PIECE = 1_000  # the most of a long unit segmented at once
_MAX_JOINED = 3  # sentences joined to close one bracket
# A sentence end the long-unit rule is sure of (see the module docstring); the look-behind makes
# each word tried once, so the scan stays linear on one long word.
_SURE_END = re.compile(r"(?<![A-Za-z0-9])([A-Za-z0-9]+)[.!?][\"'”’)\]]* +(?=[\"“‘'(\[]?[A-Z])")
_SAME_LENGTH_SPACES = str.maketrans({"\n": " ", "\r": " ", "\t": " ", "\u00a0": " "})


class Sentence(BaseModel):
    model_config = ConfigDict(frozen=True)

    text: str
    start: int
    end: int
    paragraph: int  # index of the line (or soft-wrapped run of lines) the sentence is in
    is_heading: bool = False
    is_bullet: bool = False
    is_question: bool = False


@cache
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


def _units(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each non-blank line, joining soft-wrapped continuation lines."""
    spans = [(m.start(), m.end()) for m in _LINE.finditer(text) if m.group().strip()]
    current: tuple[int, int] | None = None
    for start, end in spans:
        if current is not None and _continues(text, current, text[start:end]):
            current = (current[0], end)
            continue
        if current is not None:
            yield current
        current = (start, end)
    if current is not None:
        yield current


def _continues(text: str, previous: tuple[int, int], line: str) -> bool:
    # Hard-wrapped prose: the line before stops mid-sentence and this one starts in lower case.
    # Only the end of the run so far is read (its trailing spaces are within its last line):
    # copying the whole run for every line made a long hard-wrapped paragraph quadratic.
    start, end = previous
    while end > start and text[end - 1].isspace():
        end -= 1
    head = line.lstrip()
    return end > start and text[end - 1] not in _TERMINAL + ":" and head[:1].islower() and end - start > 40


def _locate(unit: str, piece: str, cursor: int) -> tuple[int, int] | None:
    """Span of `piece` in `unit` from `cursor`, tolerating whitespace that pysbd rewrote."""
    piece = piece.strip()
    if not piece:
        return None
    found = unit.find(piece, cursor)
    if found >= 0:
        return found, found + len(piece)
    chars = [c for c in piece if not c.isspace()]
    i, start = cursor, None
    for c in chars:
        while i < len(unit) and unit[i].isspace():
            i += 1
        if i >= len(unit) or unit[i] != c:
            return None
        start = i if start is None else start
        i += 1
    return (start, i) if start is not None else None


def _split_superscripts(unit: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    for m in _SUPERSCRIPT_END.finditer(unit, start, end):
        yield start, m.end()
        start = m.end()
        while start < end and unit[start].isspace():
            start += 1
    yield start, end


@cache
def _abbreviations() -> frozenset[str]:
    from pysbd.lang.english import English  # type: ignore[import-untyped]

    abbr = English.Abbreviation
    return frozenset(
        a.lower() for a in (*abbr.ABBREVIATIONS, *abbr.PREPOSITIVE_ABBREVIATIONS, *abbr.NUMBER_ABBREVIATIONS)
    )


def _balanced(unit: str) -> bool:
    """Brackets pair up and hold no sentence end (pysbd never splits inside them)."""
    if "(" not in unit and ")" not in unit and "[" not in unit and "]" not in unit:
        return True
    if _LIST_LABEL.search(unit):
        return False
    rest, n = unit, 1
    while n:
        if any(_TERMINALS.search(g) for g in _GROUP.findall(rest)):
            return False
        rest, n = _GROUP.subn("", rest)
    return not any(c in rest for c in "()[]")


def _plain_spans(unit: str) -> list[tuple[int, int]] | None:
    """The sentences of a plain unit (see the module docstring), or None when pysbd must decide."""
    if not _PLAIN_CHARS.fullmatch(unit) or _QUOTE.search(unit) or not _balanced(unit):
        return None
    ends = list(_PLAIN_END.finditer(unit))
    if len(ends) != len(_TERMINALS.findall(unit)):
        return None  # a period that is not a plain sentence end: "e.g.", "2.5", "Dr."
    abbreviations = _abbreviations()
    spans: list[tuple[int, int]] = []
    cursor = len(unit) - len(unit.lstrip())
    for m in ends:
        word = m.group(1)
        if word in abbreviations or _ROMAN.fullmatch(word):
            return None
        spans.append((cursor, m.end(1) + 1))
        cursor = m.end()
    last = len(unit.rstrip())
    if cursor < last:
        spans.append((cursor, last))
    return spans


def _pysbd_segment(unit: str) -> list[str]:
    r"""`pysbd.Segmenter.segment(unit)` (clean=False), less its cost of compiling one regex per
    sentence to find the sentence again: the same search, done with `str.find`.

    pysbd finds each processed sentence with `re.finditer(re.escape(sent) + r"\s*", unit)`,
    keeping the first match that ends after the previous sentence's match."""
    out: list[str] = []
    prior_end = 0
    for sent in _segmenter().processor(unit).process():
        pos = 0
        while (start := unit.find(sent, pos)) >= 0:
            end = start + len(sent)
            while end < len(unit) and unit[end].isspace():
                end += 1
            if end > prior_end:
                out.append(unit[start:end])
                prior_end = end
                break
            pos = end if end > start else start + 1
    return out


def _segments(unit: str) -> Iterator[tuple[int, int]]:
    if not _INNER_END.search(unit):  # one sentence (or a heading): no need to ask pysbd
        start = len(unit) - len(unit.lstrip())
        yield from _split_superscripts(unit, start, len(unit.rstrip()))
        return
    plain = _plain_spans(unit)
    if plain is not None:
        for start, end in plain:
            yield from _split_superscripts(unit, start, end)
        return
    spans: list[tuple[int, int]] = []
    cursor = 0
    for piece in _pysbd_segment(unit):
        span = _locate(unit, piece, cursor)
        if span is None:
            continue  # pysbd rewrote it beyond recognition; the remainder is caught below
        spans.append(span)
        cursor = span[1]
    rest = unit[cursor:]
    if rest.strip():
        lead = len(rest) - len(rest.lstrip())
        spans.append((cursor + lead, len(unit.rstrip())))
    for span in _close_brackets(unit, spans):
        yield from _split_superscripts(unit, *span)


def _close_brackets(unit: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join a sentence that leaves a bracket open with the ones that close it: pysbd splits
    "(Grabski et al., Am J Psychiatry. 2022;179(2):152-162)" after "Psychiatry.", and the claim
    would start at "2022;179(2)". At most `_MAX_JOINED` sentences are joined, so a stray "(" does
    not swallow a paragraph."""
    out: list[tuple[int, int]] = []
    joined = 0  # sentences in the last one of `out` while its bracket is open (0: none open)
    depth = 0
    for start, end in spans:
        piece = unit[start:end]
        change = piece.count("(") + piece.count("[") - piece.count(")") - piece.count("]")
        if 0 < joined < _MAX_JOINED:
            out[-1] = (out[-1][0], end)
            depth, joined = depth + change, joined + 1
        else:
            out.append((start, end))
            depth, joined = change, 1
        if depth <= 0:
            depth, joined = 0, 0
    return out


def _sure_end(word: str) -> bool:
    """A word a sentence surely ends with: not an initial ("J."), an abbreviation ("Dr.") or "2nd"."""
    if word[0].isalpha():
        return len(word) > 1 and word.lower() not in _abbreviations()
    return word.isdigit()


def _pieces(unit: str) -> Iterator[tuple[int, bool]]:
    """(end, at a sentence end) of consecutive pieces of a long unit (see the module docstring)."""
    start = 0
    ends = [m.end() for m in _SURE_END.finditer(unit) if _sure_end(m.group(1))]
    for cut in [*ends, len(unit)]:
        while cut - start > _PIECE:
            space = unit.rfind(" ", start + 1, start + _PIECE)
            start = space + 1 if space != -1 else start + _PIECE
            yield start, False
        if cut > start:
            yield cut, True
            start = cut


def _long_segments(unit: str) -> Iterator[tuple[int, int]]:
    """`_segments` of a unit longer than `_LONG_UNIT`, piece by piece, in linear time."""
    spans: list[tuple[int, int]] = []
    join = False  # the last cut was not at a sentence end
    start = 0
    for end, at_end in _pieces(unit):
        found = [(start + s, start + e) for s, e in _segments(unit[start:end])]
        # a cut at a space or inside a word went through a sentence, unless one seems to end there
        if join and spans and found and unit[spans[-1][1] - 1] not in ".!?…":
            spans[-1] = (spans[-1][0], found.pop(0)[1])
        spans += found
        join, start = not at_end, end
    yield from spans


def split_sentences(text: str) -> list[Sentence]:
    out: list[Sentence] = []
    for paragraph, (u_start, u_end) in enumerate(_units(text)):
        unit = text[u_start:u_end].translate(_SAME_LENGTH_SPACES)
        bullet = _BULLET.match(unit)
        body_start = bullet.end() if bullet else 0
        body = " " * body_start + unit[body_start:]  # blank the marker, keep offsets
        segments = _long_segments(body) if len(body) > _LONG_UNIT else _segments(body)
        spans = [(s, e) for s, e in segments if body[s:e].strip()]
        for s, e in spans:
            sentence = text[u_start + s : u_start + e]
            words = sentence.split()
            heading = (
                len(spans) == 1
                and not bullet
                and len(words) <= _MAX_HEADING_WORDS
                and sentence.rstrip()[-1] not in ".!;,…"
                and not (sentence.rstrip().endswith(":") and len(words) > _MAX_LEAD_IN_WORDS)
            )
            out.append(
                Sentence(
                    text=sentence,
                    start=u_start + s,
                    end=u_start + e,
                    paragraph=paragraph,
                    is_heading=heading,
                    is_bullet=bullet is not None,
                    is_question=sentence.rstrip().endswith("?"),
                )
            )
    return out

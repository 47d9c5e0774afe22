"""Citations in running text: every form an article uses to point at a work.

`find_mentions(text, links)` returns one `Mention` per citation written in the article body (the
reference list itself is skipped: its entries are parsed by `ingest.references`). Forms:

    inline link          an <a href> the extractor gives as an `ingest.hyperlinks.Link`; an in-page
                         "#cite-3" link whose text is a number is a numbered marker
    identifier           DOI, PMID, PMCID, NCT number, and URLs written as text
    numbered marker      [3], [1-3], [1, 2]; (3) when it is a marker and not "(3 mg)" or a list item
    superscript          flattened into the text: "conditions.1,2", "relapse rates3.", or "rates³"
    author–year          (Grabski et al., 2022), (Smith & Jones 2019; Lee, 2020), Smith and Jones (2019)
    named source         (Harvard Gazette, 2023), (NICE, 2009), the FDA (2019) reported
    journal reference    a journal with a locator: Dakwar et al., Am J Psychiatry. 2019;176(11):923-930

Guarding against false citations matters more than finding every one (a claim must never be
called cited when nothing is attached), so the ambiguous numeric forms — "(3)" and flattened
superscripts, which could be doses, list items, "omega3" or "COVID19" — count only when the
article corroborates them: the number is an entry of its numbered reference list, or, when there
is no numbered list, the numbers first appear in citation order (each new number at most three
more than the highest so far: an excerpt may start at (4) and skip a few) and at least two
distinct numbers occur. Bracketed markers, Unicode superscripts
after a word and in-page footnote links need no corroboration.

All patterns are linear: no nested unbounded quantifiers over overlapping classes, possessive
repeats where a failed match could retry, bounded windows for look-backs. A 1 MB single line of
prose or 100,000 "(" take well under a second; beyond that, time grows with the citations found.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from enum import StrEnum
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

from ingest.hyperlinks import Link  # the extractor's model: one Link for both sides
from ingest.references import (
    APA_LOCATOR_RE,
    LETTER,
    LOCATOR_RE,
    VOLNO_LOCATOR_RE,
    YEAR,
    Reference,
    ReferenceSection,
    cut_identifiers,
    find_reference_section,
    identifier_spans,
    normalize_doi,
    normalize_url,
    parse_reference,
    parse_url,
)
from kb.models import Provenance

__all__ = [
    "PROVENANCE",
    "Link",
    "Mention",
    "MentionKind",
    "expand_numbers",
    "find_body_mentions",
    "find_mentions",
]


class MentionKind(StrEnum):
    LINK = "link"
    URL = "url"
    DOI = "doi"
    PMID = "pmid"
    PMCID = "pmcid"
    NCT = "nct"
    MARKER = "marker"
    SUPERSCRIPT = "superscript"
    AUTHOR_YEAR = "author_year"
    NAMED_SOURCE = "named_source"
    JOURNAL_REF = "journal_ref"


PROVENANCE: dict[MentionKind, Provenance] = {
    MentionKind.LINK: Provenance.INLINE_LINK,
    MentionKind.URL: Provenance.INLINE_LINK,
    MentionKind.DOI: Provenance.INLINE_IDENTIFIER,
    MentionKind.PMID: Provenance.INLINE_IDENTIFIER,
    MentionKind.PMCID: Provenance.INLINE_IDENTIFIER,
    MentionKind.NCT: Provenance.INLINE_IDENTIFIER,
    MentionKind.MARKER: Provenance.NUMBERED_MARKER,
    MentionKind.SUPERSCRIPT: Provenance.NUMBERED_MARKER,
    MentionKind.AUTHOR_YEAR: Provenance.AUTHOR_YEAR,
    MentionKind.NAMED_SOURCE: Provenance.NAMED_SOURCE,
    MentionKind.JOURNAL_REF: Provenance.AUTHOR_YEAR,  # no closer value in kb.models.Provenance
}


class Mention(BaseModel):
    """One citation as written: text[start:end], what it states, and what it resolves to."""

    model_config = ConfigDict(extra="forbid")

    text: str
    start: int
    end: int
    kind: MentionKind
    provenance: Provenance
    numbers: list[int] = Field(default_factory=list)  # marker numbers, [1-3] -> [1, 2, 3]
    reference: Reference = Field(default_factory=Reference)  # only what the mention itself states
    # Part of the sentence's wording ("Smith et al. (2019) found", a link over words): it can
    # only belong to its own sentence, never reach back to the one before.
    narrative: bool = False
    resolved: list[Reference] = Field(default_factory=list)  # reference-list entries (see linking)


def _mention(
    text: str,
    start: int,
    end: int,
    kind: MentionKind,
    *,
    numbers: list[int] | None = None,
    reference: Reference | None = None,
    narrative: bool = False,
) -> Mention:
    return Mention(
        text=text[start:end],
        start=start,
        end=end,
        kind=kind,
        provenance=PROVENANCE[kind],
        numbers=numbers or [],
        reference=reference or Reference(raw=text[start:end]),
        narrative=narrative,
    )


def words(s: str) -> frozenset[str]:
    return frozenset(s.split())


# --- numbers -----------------------------------------------------------------------------------

_NUMS = r"\d{1,3}(?:\s*(?:,|[-–—])\s*\d{1,3}){0,30}"
_FLAT_NUMS = r"\d{1,3}+(?:[,–-]\d{1,3}+){0,15}+"  # superscripts flatten without spaces
_MAX_MARKER = 500


def expand_numbers(spec: str) -> list[int] | None:
    """ "1,3-5" -> [1, 3, 4, 5]; None when it reads as a quantity ("1,000", "0", "5-2")."""
    spec = re.sub(r"\s+", "", spec).replace("–", "-").replace("—", "-")
    groups = [int(g) for g in spec.split(",")] if re.fullmatch(r"\d{1,3}(?:,\d{3})+", spec) else []
    if groups and groups != sorted(set(groups)):  # "1,000" is a quantity; "112,113,114" are markers
        return None
    numbers: list[int] = []
    for piece in spec.split(","):
        lo, _, hi = piece.partition("-")
        if not lo.isdigit() or (hi and not hi.isdigit()):
            return None
        a, b = int(lo), int(hi or lo)
        if a < 1 or b < a or b - a > 50 or b > _MAX_MARKER:
            return None
        numbers.extend(range(a, b + 1))
    return numbers or None


# --- inline links ------------------------------------------------------------------------------

_MARKER_TEXT = re.compile(rf"[\[(]?\s*({_NUMS})\s*[\])]?")


def _host(url: str | None) -> str | None:
    if not url:
        return None
    try:
        return (urlsplit(url if "://" in url else "https://" + url).hostname or "").removeprefix("www.")
    except ValueError:
        return None


def _link_mentions(text: str, links: Iterable[Link], base_url: str | None) -> Iterator[Mention]:
    own_host = _host(base_url)
    for link in links:
        if not (link.start < link.end <= len(text)):
            continue  # an empty or out-of-range span cannot be placed in a sentence
        written = text[link.start : link.end]
        marker = _MARKER_TEXT.fullmatch(written.strip())
        numbers = expand_numbers(marker.group(1)) if marker else None
        url = link.url.strip()
        absolute = re.match(r"^https?://", url, re.I) is not None
        if not absolute or _host(url) == own_host:
            # In-page footnote links ("#cite-3") and same-site links cite only through a number.
            if numbers and not url.lower().startswith(("mailto:", "tel:", "javascript:")):
                yield _mention(text, link.start, link.end, MentionKind.MARKER, numbers=numbers)
            continue
        ref = parse_url(url)
        looks_like_url = written.strip().lower().startswith(("http", "www.", "doi", "10."))
        yield _mention(
            text,
            link.start,
            link.end,
            MentionKind.LINK,
            numbers=numbers or [],
            reference=ref,
            narrative=not numbers and not looks_like_url,
        )


# --- identifiers written in the text ------------------------------------------------------------


def _identifier_mentions(text: str) -> Iterator[Mention]:
    for kind, start, end, value in identifier_spans(text):
        if kind == "url":
            yield _mention(text, start, end, MentionKind.URL, reference=parse_url(value))
            continue
        ref = Reference(raw=text[start:end])
        if kind == "doi":
            ref.doi = normalize_doi(value)
        elif kind == "pmid":
            ref.pmid = value.lstrip("0")
        elif kind == "pmcid":
            ref.pmcid = value
        else:
            ref.nct = value
        yield _mention(text, start, end, MentionKind(kind), reference=ref)


# --- names -------------------------------------------------------------------------------------

_PARTICLE = (
    r"(?i:van|von|de|der|den|del|della|da|di|du|le|la|dos|das|ten|ter)"  # "Di Monte", "van den Heuvel"
)
_SURNAME = rf"(?:{_PARTICLE}\s+){{0,3}}{LETTER}(?:{LETTER}|['’\-]){{0,40}}+"
_ORG_WORD = rf"[A-Z](?:{LETTER}|[.'’&\-]){{0,30}}+"
_ORG = rf"{_ORG_WORD}(?:\s+(?:{_ORG_WORD}|of|for|the|and|on|in|&|de|des|du|la|le)){{0,8}}(?:\s*[\[(][A-Z]{{2,10}}[\])])?"
_PERSONS = rf"{_SURNAME}(?:\s+et\.?\s+al\b\.?|(?:\s*,\s*{_SURNAME}){{0,5}},?\s+(?:and|&)\s+{_SURNAME})?"
_YEAR_OR_ND = rf"(?P<year>{YEAR})(?P<suffix>[a-z]?)|n\.\s?d\.?"
_YEAR_TAIL = (
    rf"(?:\s*,\s*(?:[a-z]|{YEAR}[a-z]?))*(?:\s*,\s*(?:p|pp|para|chap|ch|fig|table)\.?\s*[\w–-]{{1,12}})?"
)
_AUTHOR_YEAR_RE = re.compile(rf"(?P<names>{_PERSONS})\s*,?\s+(?:{_YEAR_OR_ND}){_YEAR_TAIL}")
_ORG_YEAR_RE = re.compile(rf"(?P<names>{_ORG})\s*,?\s+(?:{_YEAR_OR_ND}){_YEAR_TAIL}")

# Capitalised words that precede a year without naming who said anything.
_NOT_NAMES = words(
    """january february march april may june july august september october november december jan feb
    mar apr jun jul aug sep sept oct nov dec spring summer fall autumn winter monday tuesday wednesday
    thursday friday saturday sunday updated published accessed retrieved revised reviewed posted
    modified last est established founded since copyright circa approved released launched in by as
    from until through before after during around early late mid year years class phase vol volume
    issue edition ed version figure fig table page step age ages born died q fy usa us uk eu study
    studies trial trials survey report data census research review the a an this that these it we
    our they he she note see cohort wave term session"""
)


def _name_words_ok(names: str) -> bool:
    words = [
        w.strip("[]()")
        for w in re.split(r"[\s,&]+", names)
        if w and not re.fullmatch(rf"{_PARTICLE}|and|et|al\.?", w)
    ]
    if not words or words[0].strip(".").casefold() in _NOT_NAMES:
        return False
    return all(
        w[0].isupper()
        for w in words
        if w.casefold() not in ("of", "for", "the", "on", "in", "de", "des", "du", "la", "le")
    )


def _name_reference(names: str, m: re.Match[str], raw: str) -> tuple[MentionKind, Reference] | None:
    """An author–year or named-source reference from a matched name part, or None if not a name."""
    names = " ".join(names.split())
    if not _name_words_ok(names):
        return None
    ref = Reference(raw=raw)
    if m.group("year"):
        ref.year, ref.year_suffix = int(m.group("year")), m.group("suffix") or ""
    et_al = re.search(r"\s+et\.?\s+al\b\.?", names)
    listed = names[: et_al.start()] if et_al else names
    persons = [p for p in re.split(r"\s*,\s*(?:and\s+|&\s*)?|\s+(?:and|&)\s+", listed) if p]
    surnames = [" " not in re.sub(rf"^(?:{_PARTICLE}\s+)+", "", p) for p in persons]
    single = len(persons) == 1 and surnames[0]
    if et_al or (len(persons) > 1 and all(surnames)) or (single and not persons[0].isupper()):
        ref.first_author, ref.authors = persons[0], persons
        return MentionKind.AUTHOR_YEAR, ref
    ref.first_author = names  # an organisation or publication named as the source
    return MentionKind.NAMED_SOURCE, ref


# --- parenthetical citations -------------------------------------------------------------------

_GROUP = re.compile(r"\((?P<body>(?:[^()\n]|\([^()\n]{0,60}\)){1,400})\)")
_PREFIX = re.compile(
    r"^(?:see also|see|e\.g\.,?|cf\.|i\.e\.,?|for example,?|for a review,? see|as cited in|reviewed in|"
    r"quoted in|as reviewed by|adapted from|data from|source:|sources:)\s+",
    re.I,
)
_CITING_BODY = re.compile(rf"{YEAR}|n\.\s?d\.|\d\s*\(")  # a year, "n.d." or a volume(issue)
_PART_SPLIT = re.compile(r";\s*(?=[^\d\s])")  # "2019;176(11)" is a locator, not a second citation


def _parts(body: str, offset: int) -> Iterator[tuple[int, int]]:
    pos = 0
    for sep in _PART_SPLIT.finditer(body):
        yield offset + pos, offset + sep.start()
        pos = sep.end()
    yield offset + pos, offset + len(body)


def _parenthetical_mentions(text: str) -> Iterator[Mention]:
    for group in _GROUP.finditer(text):
        body = group.group("body")
        if not _CITING_BODY.search(body) or _MARKER_TEXT.fullmatch(body.strip()):
            continue
        found: list[Mention] = []
        for start, end in _parts(body, group.start("body")):
            part = text[start:end]
            lead = len(part) - len(part.lstrip())
            prefix = _PREFIX.match(part.lstrip())
            start += lead + (prefix.end() if prefix else 0)
            end = start + len(text[start:end].rstrip(" ,."))
            mention = _read_part(text, start, end)
            if mention:
                found.append(mention)
        if len(found) == 1 and len(list(_parts(body, 0))) == 1:  # the whole group is one citation
            only = found[0]
            found = [_mention(text, group.start(), group.end(), only.kind, reference=only.reference)]
        yield from found


def _read_part(text: str, start: int, end: int) -> Mention | None:
    part = text[start:end]
    if LOCATOR_RE.search(part) or APA_LOCATOR_RE.search(part) or VOLNO_LOCATOR_RE.search(part):
        return _mention(text, start, end, MentionKind.JOURNAL_REF, reference=parse_reference(part))
    ref = Reference(raw=part)
    core = cut_identifiers(ref, part)  # "(Smith et al., 2019, doi:10.5555/x)" keeps its DOI
    for pattern in (_AUTHOR_YEAR_RE, _ORG_YEAR_RE):
        m = pattern.fullmatch(core)
        named = _name_reference(m.group("names"), m, part) if m else None
        if named:
            kind, parsed = named
            for field in ("doi", "pmid", "pmcid", "nct", "url"):
                setattr(parsed, field, getattr(ref, field))
            return _mention(text, start, end, kind, reference=parsed)
    return None


# --- narrative author–year: "Smith et al. (2019) found" -----------------------------------------

_PAREN_YEAR = re.compile(rf"\(\s*(?:{_YEAR_OR_ND})(?:\s*[,;:]\s*[^()\n]{{0,40}})?\s*\)")
_NARRATIVE_NAMES = re.compile(rf"(?P<names>{_PERSONS}|{_ORG})(?:['’]s)?\s*$")


def _names_before(window: str) -> Iterator[re.Match[str]]:
    """Name runs ending the window, longest first, tried only at its last dozen word starts (bounded)."""
    for w in [w.start() for w in re.finditer(r"(?<!\S)\S", window)][-12:]:
        m = _NARRATIVE_NAMES.match(window, w)
        if m:
            yield m


_TRIGGER = re.compile(r"(?:according to|by|from|in|as|of|per|see|cf\.|like|and)\s+(?:the\s+)?$", re.I)
_REPORTING = re.compile(
    r"^\s*,?\s*(?:also\s+)?(?:found|find|finds|showed|shows|shown|reported|reports|demonstrated|demonstrates|"
    r"concluded|concludes|observed|observes|suggested|suggests|noted|notes|argued|argues|wrote|writes|"
    r"described|describes|studied|examined|investigated|conducted|published|estimated|estimates|"
    r"stated|states|recommends|recommended|confirmed|confirms)\b",
    re.I,
)


def _narrative_mentions(text: str) -> Iterator[Mention]:
    for paren in _PAREN_YEAR.finditer(text):
        window_start = max(
            0, paren.start() - 90, text.rfind("\n", max(0, paren.start() - 90), paren.start()) + 1
        )
        window = text[window_start : paren.start()]
        # "The FDA (2019)": the longest run is not a name, a shorter one is.
        named = (
            (m, _name_reference(m.group("names"), paren, text[window_start + m.start() : paren.end()]))
            for m in _names_before(window)
        )
        m, kind_ref = next(((m, kr) for m, kr in named if kr), (None, None))
        if m is None or kind_ref is None:
            continue
        names, (kind, ref) = m.group("names"), kind_ref
        # "Ketamine (2019)" is not a citation; "according to Smith (2019)" and "Smith (2019) found" are.
        strong = bool(re.search(r"\bet\.?\s+al\b", names))
        introduced = _TRIGGER.search(window[: m.start()]) or _REPORTING.match(
            text[paren.end() : paren.end() + 40]
        )
        if not (strong or introduced):
            continue
        start = window_start + m.start()
        yield _mention(text, start, paren.end(), kind, reference=ref, narrative=True)


# --- journal references with a locator, outside parentheses -------------------------------------

_JOURNAL_TOKEN = re.compile(rf"[A-Z](?:{LETTER}|[&'’\-])*\.?,?|of|and|the|for|in|&")
_AUTHOR_TOKEN = re.compile(rf"(?:{LETTER}|['’\-])+,|al\.,?|[A-Z]{{1,3}},")


def _journal_mentions(text: str) -> Iterator[Mention]:
    for pattern, needs_journal in ((LOCATOR_RE, False), (APA_LOCATOR_RE, True), (VOLNO_LOCATOR_RE, True)):
        for loc in pattern.finditer(text):
            start = _journal_start(text, loc.start())
            if needs_journal and start == loc.start():
                continue
            yield _mention(
                text,
                start,
                loc.end(),
                MentionKind.JOURNAL_REF,
                reference=parse_reference(text[start : loc.end()]),
            )


_NOT_JOURNAL = words("See See, In From Per Cf Cf. Also And According As By")


def _journal_start(text: str, end: int) -> int:
    """Walk back over a journal title ("Am J Psychiatry.") and a short author part ("Dakwar et al.,")."""
    window_start = max(0, end - 160, text.rfind("\n", max(0, end - 160), end) + 1)
    tokens = list(re.finditer(r"\S+", text[window_start:end]))
    start, k, journal_words = end, len(tokens) - 1, 0
    while k >= 0 and journal_words < 8 and _JOURNAL_TOKEN.fullmatch(tokens[k].group()):
        if (tokens[k].group().endswith(",") and journal_words) or tokens[k].group() in _NOT_JOURNAL:
            break  # "Dakwar et al.," ends the author part, not the journal
        start, k, journal_words = window_start + tokens[k].start(), k - 1, journal_words + 1
    if journal_words and k >= 0 and _AUTHOR_TOKEN.fullmatch(tokens[k].group()):
        if tokens[k].group().startswith("al") and k >= 2 and tokens[k - 1].group() == "et":
            return window_start + tokens[k - 2].start()
        if tokens[k].group()[0].isupper():
            return window_start + tokens[k].start()
    return start


# --- numbered markers and superscripts ----------------------------------------------------------

_BRACKET = re.compile(rf"\[\s*({_NUMS})\s*\]")
_PAREN_MARKER = re.compile(rf"\(\s*({_NUMS})\s*\)")
# The lookbehinds reject "1,2,3" and "3.5" at once, before any digit is read.
_SUP_AFTER_PUNCT = re.compile(
    rf"(?:(?<={LETTER}[.,;:])|(?<=[)\]%][.,;:])|(?<={LETTER}[.,;:][”’\"]))({_FLAT_NUMS})(?=[\s\"”’)]|$)"
)
_SUP_ON_WORD = re.compile(rf"(?<![\w\-/+.@#&])({LETTER}{{3,}}+)({_FLAT_NUMS})(?=[\s.,;:!?\"”’)]|$)")
_SUP_UNICODE = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3}(?:[,˒⁻–-][⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3}){0,15}")
_SUP_MAP = str.maketrans({"˒": ",", "⁻": "-"} | {c: str(unicodedata.digit(c)) for c in "⁰¹²³⁴⁵⁶⁷⁸⁹"})

# Words after which "(3)" is a quantity or a label, not a citation.
_NOT_BEFORE_MARKER = words(
    """scale score scores range rated rating aged age ages grade grades stage stages phase phases type
    types table tables figure figures fig step steps section chapter page pages p pp level levels item
    items question questions dose doses day days week weeks month months year years hour hours n no
    number version v vol point points option options group groups arm arms session sessions visit
    visits appendix equation eq part tier class cycle cycles round rounds wave times x"""
)
# Lower-case words that carry a number as part of their name: omega3, covid19, type2, beta2.
_NUMBERED_WORDS = words(
    """omega covid sars type vitamin phase grade stage step level tier class gen generation web mp top
    part round day week month year alpha beta gamma delta kappa sigma theta lambda version
    series model mark gpt room ward floor suite unit apt route channel plan iphone windows office cox
    nad nadh atp bdnf mir lipitor"""
)
_ABBREVIATIONS = words(
    "p pp no nos vol vols fig figs ch chap sec eq ref refs tab art vs ver ed eds op cf st dr"
)


def _word_before(text: str, pos: int) -> str:
    m = re.search(rf"({LETTER}+)\W{{0,3}}$", text[max(0, pos - 40) : pos])
    return m.group(1).casefold() if m else ""


def _line_before(text: str, pos: int, limit: int = 200) -> str:
    """The end of the line before pos, at most limit characters (a bounded look-back)."""
    window = text[max(0, pos - limit) : pos]
    return window[window.rfind("\n") + 1 :]


def _marker_mentions(text: str) -> Iterator[tuple[Mention, bool]]:
    """(mention, needs corroboration) for every numbered-marker candidate."""
    for m in _BRACKET.finditer(text):
        numbers = expand_numbers(m.group(1))
        if numbers and _line_before(text, m.start()).strip():  # "[3] Smith J ..." opens a list entry
            yield _mention(text, m.start(), m.end(), MentionKind.MARKER, numbers=numbers), False
    for m in _PAREN_MARKER.finditer(text):
        numbers = expand_numbers(m.group(1))
        if numbers and _paren_is_marker(text, m.start(), m.end()):
            yield _mention(text, m.start(), m.end(), MentionKind.MARKER, numbers=numbers), True
    for m in _SUP_AFTER_PUNCT.finditer(text):
        numbers = expand_numbers(m.group(1))
        punct = m.start() - (2 if text[m.start() - 1] in '”’"' else 1)  # ".1" or ".”1"
        before, word = text[max(0, punct - 1)], _word_before(text, punct)
        if (
            numbers
            and (before.isalpha() or before in ")]%")
            and len(word) >= 2
            and word not in _ABBREVIATIONS
        ):
            yield _mention(text, m.start(), m.end(), MentionKind.SUPERSCRIPT, numbers=numbers), True
    on_word = [(m, m.group(1)) for m in _SUP_ON_WORD.finditer(text)]
    # "Mfn1 and Mfn2", "ins1/ins2": one stem with several numbers is a naming series, not citations.
    stems: dict[str, set[str]] = {}
    for m, word in on_word:
        stems.setdefault(word.casefold(), set()).add(m.group(2))
    for m, word in on_word:
        numbers = expand_numbers(m.group(2))
        ordinary = word.islower() and word not in _NUMBERED_WORDS and len(stems[word.casefold()]) == 1
        if numbers and ordinary:
            yield _mention(text, m.start(2), m.end(), MentionKind.SUPERSCRIPT, numbers=numbers), True
    for m in _SUP_UNICODE.finditer(text):
        numbers = expand_numbers(m.group().translate(_SUP_MAP))
        before = text[m.start() - 1] if m.start() else ""
        attached = before.isalpha() and len(_word_before(text, m.start())) >= 3
        after_punct = before in ".,;:)]" and len(_word_before(text, m.start() - 1)) >= 3
        if numbers and (attached or after_punct):
            yield _mention(text, m.start(), m.end(), MentionKind.SUPERSCRIPT, numbers=numbers), False


def _paren_is_marker(text: str, start: int, end: int) -> bool:
    """ "(3)" cites when it closes a phrase, not when it numbers a list item or labels a quantity."""
    before = _line_before(text, start).rstrip()
    if not before or before[-1].isdigit() or before[-1] in "=+-×*/:" or before.endswith(("(", "[")):
        return False  # a line-leading or colon-led enumerator, or arithmetic
    if _word_before(text, start) in _NOT_BEFORE_MARKER:
        return False
    after = text[end : end + 3].lstrip(" ")
    return after == "" or after[0] in '.,;:!?)]"”’\n' or before[-1] in ".!?"


# --- corroboration and overlaps -----------------------------------------------------------------


def _corroborate(found: Sequence[tuple[Mention, bool]], listed: set[int]) -> list[Mention]:
    """Keep weak numeric candidates only when the article backs them (see module docstring)."""
    kept: list[Mention] = []
    in_order: list[Mention] = []
    seen: set[int] = set()
    first: int | None = None  # the lowest number of the climb: lower ones were cited before it
    climbs = 0
    for mention, weak in sorted(found, key=lambda pair: pair[0].start):
        if not weak:
            kept.append(mention)
            seen.update(mention.numbers)
        elif listed:
            if set(mention.numbers) <= listed:
                kept.append(mention)
        else:
            new = sorted(n for n in mention.numbers if n not in seen)
            top = max(seen, default=0)
            if new and new[0] > top and (not seen or new[0] <= top + _MAX_GAP):
                climbs += 1
                first = new[0] if first is None else first
            elif new and not (first is not None and new[-1] < first):
                continue  # out of citation order: a dose, a list item, a version number
            in_order.append(mention)
            seen.update(mention.numbers)
    if in_order and (climbs >= 2 or (1 in seen and len(seen) >= 2)):
        kept.extend(in_order)
    return kept


# A page shown in part (an excerpt, a paginated article) starts its markers anywhere and skips
# the numbers of sentences left out; a dose or a list item does not climb like this.
_MAX_GAP = 3

_PRIORITY = {kind: rank for rank, kind in enumerate(MentionKind)}
_ID_KINDS = {MentionKind.URL, MentionKind.DOI, MentionKind.PMID, MentionKind.PMCID, MentionKind.NCT}
_TEXT_KINDS = {MentionKind.AUTHOR_YEAR, MentionKind.NAMED_SOURCE, MentionKind.JOURNAL_REF}
_NUMBERED_KINDS = {MentionKind.MARKER, MentionKind.SUPERSCRIPT}
_ID_FIELDS = ("doi", "pmid", "pmcid", "nct", "url")


def _compatible(outer: Reference, inner: Reference) -> bool:
    for field in _ID_FIELDS:
        a, b = getattr(outer, field), getattr(inner, field)
        if a and b and (normalize_url(a) != normalize_url(b) if field == "url" else a.lower() != b.lower()):
            return False
    return True


def _absorbs(outer: Mention, inner: Mention) -> bool:
    """Whether inner, lying inside outer, says nothing outer does not (so it is one citation)."""
    if inner.kind in _ID_KINDS:
        return _compatible(outer.reference, inner.reference)
    if inner.kind in _TEXT_KINDS:
        return outer.kind in _TEXT_KINDS
    same_span = (outer.start, outer.end) == (inner.start, inner.end)
    return inner.kind in _NUMBERED_KINDS and same_span and bool(outer.numbers)


def _settle(mentions: Iterable[Mention]) -> list[Mention]:
    ordered = sorted(mentions, key=lambda m: (m.start, -(m.end - m.start), _PRIORITY[m.kind]))
    kept: list[Mention] = []
    open_: list[Mention] = []  # kept mentions that may still contain later ones
    for m in ordered:
        open_ = [k for k in open_ if k.end > m.start]
        outer = next((k for k in open_ if k.start <= m.start and m.end <= k.end and _absorbs(k, m)), None)
        if outer is None:
            kept.append(m)
            open_.append(m)
            continue
        for field in _ID_FIELDS:  # "(Smith et al., 2019, doi:…)" keeps the DOI on the one citation
            if getattr(outer.reference, field) is None and getattr(m.reference, field):
                setattr(outer.reference, field, getattr(m.reference, field))
    return kept


def find_mentions(text: str, links: Sequence[Link] = (), *, base_url: str | None = None) -> list[Mention]:
    """Every citation in the article body, in text order; the reference list itself is skipped.

    `base_url` is the article's address, so links to the site's own pages are not citations.
    """
    return find_body_mentions(text, links, find_reference_section(text), base_url=base_url)


def find_body_mentions(
    text: str, links: Sequence[Link], section: ReferenceSection | None, *, base_url: str | None = None
) -> list[Mention]:
    """`find_mentions` for a caller that has already looked for the reference list (None: there is none)."""
    body = text
    if section is not None:  # blank the list out: same offsets, and its entries are not body citations
        body = text[: section.start] + " " * (section.end - section.start) + text[section.end :]
    strong: list[Mention] = [
        *_link_mentions(body, links, base_url),
        *_parenthetical_mentions(body),
        *_narrative_mentions(body),
        *_journal_mentions(body),
        *_identifier_mentions(body),
    ]
    found = [(m, False) for m in strong] + list(_marker_mentions(body))
    if section is not None:
        lo, hi = section.start, section.end
        found = [(m, weak) for m, weak in found if m.end <= lo or m.start >= hi]
    listed = {e.number for e in section.entries if e.number is not None} if section else set()
    return _settle(_corroborate(found, listed))

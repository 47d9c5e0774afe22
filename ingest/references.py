"""Reference lists and the references in them: find the list, split it, parse each entry.

Pure functions over the article's extracted text. Three things live here because both the
reference list and the running text need them:

- the identifier patterns (DOI, PMID, PMCID, NCT number, URL) and `parse_url`, which reads the
  identifiers a URL itself states (a doi.org, PubMed, PMC or ClinicalTrials.gov address);
- `parse_reference`, which reads one written reference (a list entry, or a parenthesised
  "Dakwar et al., Am J Psychiatry. 2019;176(11):923-930") into a `Reference`, filling only the
  fields the text states;
- `find_reference_section`, which finds the list at the end of an article: a heading
  ("References", "Sources", "Notes", ...) followed by entries, or, without a heading, a trailing
  run of entries numbered 1, 2, 3 ... Its span is what claim detection must skip.

`match_reference` points a numbered marker or an author–year mention at a list entry; when two
entries fit equally well it returns None rather than pick one (the tool never guesses).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from pydantic import BaseModel, ConfigDict, Field

YEAR = r"(?:1[89]\d\d|20\d\d)"
# Superscript digits are "alphanumeric" to Python's \w, so every letter class excludes them.
LETTER = r"[^\W\d_⁰¹²³⁴⁵⁶⁷⁸⁹]"
_MAX_PARSE = 2000  # longer "entries" are prose; parsing them would only invent fields


class Reference(BaseModel):
    """A written reference, parsed. A field the text does not state stays None."""

    model_config = ConfigDict(extra="forbid")

    raw: str = ""  # as written, without the list label ("3." / "[3]")
    number: int | None = None  # the label printed in the list
    position: int | None = None  # 1-based order in the list
    first_author: str | None = None  # surname of the first author, or the organisation named as author
    authors: list[str] = Field(default_factory=list)  # as written, "et al." not included
    year: int | None = None
    year_suffix: str = ""  # the "a" of 2019a
    title: str | None = None
    journal: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    nct: str | None = None
    url: str | None = None
    start: int | None = None  # span in the article text, for list entries
    end: int | None = None


class ReferenceSection(BaseModel):
    """The article's reference list: text[start:end], heading included. Claims must skip it."""

    model_config = ConfigDict(extra="forbid")

    start: int
    end: int
    heading: str | None = None  # None for a trailing numbered run without heading
    entries: list[Reference] = Field(default_factory=list)
    numbered: bool = False  # at least one entry carries a printed number


# --- identifiers -------------------------------------------------------------------------------

DOI_RE = re.compile(r"\b(?:doi\s*:?\s*)?(10\.\d{4,9}/[^\s\"<>]+)", re.I)
PMID_RE = re.compile(r"\b(?:PMID|PubMed\s+ID)\s*:?\s*(\d{1,9})\b", re.I)
PMCID_RE = re.compile(r"\b(?:PMCID\s*:?\s*)?(PMC\d{4,9})\b", re.I)
NCT_RE = re.compile(r"\b(NCT\d{8})\b", re.I)
URL_RE = re.compile(
    r"\b(?:https?://|www\.)[^\s<>\"]+"
    r"|\b(?:pubmed\.ncbi\.nlm\.nih\.gov|(?:www\.)?ncbi\.nlm\.nih\.gov|doi\.org|clinicaltrials\.gov"
    r"|europepmc\.org)/[^\s<>\"]+",
    re.I,
)
_TRACKING = re.compile(r"^(?:utm_\w+|fbclid|gclid|mc_[ce]id|ref|source)$", re.I)
_DOI_URL_SUFFIX = re.compile(r"/(?:full|abstract|pdf|epdf|fulltext|html|suppl)$|\.pdf$", re.I)


def trim_trailing(s: str) -> str:
    """Drop sentence punctuation and unbalanced closing brackets that end a DOI or URL match."""
    pairs = {")": "(", "]": "[", "}": "{"}
    while s:
        last = s[-1]
        if last in ".,;:!?'\"”’>*" or (last in pairs and s.count(last) > s.count(pairs[last])):
            s = s[:-1]
        else:
            break
    return s


def normalize_doi(doi: str) -> str:
    d = unquote(doi.strip())
    d = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi\s*:?\s*)", "", d, flags=re.I)
    return trim_trailing(d).lower()


def normalize_url(url: str) -> str:
    """One spelling per page: https, host without www., no fragment, no tracking parameters."""
    u = url.strip()
    if not re.match(r"^[a-z][a-z0-9+.-]*://", u, re.I):
        u = "https://" + u
    try:
        parts = urlsplit(u)
        host = (parts.hostname or "").lower().removeprefix("www.")
        if parts.port and parts.port not in (80, 443):
            host = f"{host}:{parts.port}"
        query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query) if not _TRACKING.match(k)))
        path = parts.path.rstrip("/")
    except ValueError:  # malformed ports or brackets: keep it readable, never fail
        return u.lower().rstrip("/")
    return urlunsplit(("https", host, path, query, ""))


def parse_url(url: str) -> Reference:
    """The identifiers a URL states by itself: doi.org/…, PubMed, PMC, ClinicalTrials.gov, /doi/ paths."""
    ref = Reference(raw=url, url=url)
    try:
        parts = urlsplit(url if "://" in url else "https://" + url)
        host, path = (parts.hostname or "").lower(), unquote(parts.path)
    except ValueError:
        return ref
    doi = re.search(r"(10\.\d{4,9}/.+)", path)
    if doi and (host.endswith("doi.org") or "/doi/" in path or "/article/" in path or "/10." in path):
        ref.doi = normalize_doi(_DOI_URL_SUFFIX.sub("", doi.group(1)))
    if host == "pubmed.ncbi.nlm.nih.gov" or (host.endswith("ncbi.nlm.nih.gov") and "/pubmed/" in path):
        pm = re.search(r"/(\d{1,9})(?:/|$)", path)
        ref.pmid = pm.group(1).lstrip("0") if pm else None
    if host.endswith("ncbi.nlm.nih.gov") or host.endswith("europepmc.org"):
        pmc = re.search(r"\b(PMC\d{4,9})\b", path, re.I)
        ref.pmcid = pmc.group(1).upper() if pmc else None
        med = re.search(r"/(?:abstract|article)/MED/(\d{1,9})\b", path, re.I)
        ref.pmid = ref.pmid or (med.group(1) if med else None)
    if host.endswith("clinicaltrials.gov"):
        nct = re.search(r"\b(NCT\d{8})\b", path + "?" + parts.query, re.I)
        ref.nct = nct.group(1).upper() if nct else None
    return ref


def identifier_spans(text: str) -> Iterator[tuple[str, int, int, str]]:
    """(kind, start, end, value) for every DOI, PMID, PMCID, NCT number and URL written in text."""
    for kind, pattern in (("doi", DOI_RE), ("pmid", PMID_RE), ("pmcid", PMCID_RE), ("nct", NCT_RE)):
        for m in pattern.finditer(text):
            value = trim_trailing(m.group(1)) if kind == "doi" else m.group(1)
            end = m.start(1) + len(value)
            yield kind, m.start(), end, value.upper() if kind in ("pmcid", "nct") else value
    for m in URL_RE.finditer(text):
        value = trim_trailing(m.group(0))
        yield "url", m.start(), m.start() + len(value), value


def cut_identifiers(ref: Reference, text: str) -> str:
    """Fill ref's identifiers from text; return text with them cut out, for the field parser."""
    cuts: list[tuple[int, int]] = []
    for kind, start, end, value in identifier_spans(text):
        if kind == "url":
            from_url = parse_url(value)
            ref.url = ref.url or value
            ref.doi = ref.doi or from_url.doi
            ref.pmid = ref.pmid or from_url.pmid
            ref.pmcid = ref.pmcid or from_url.pmcid
            ref.nct = ref.nct or from_url.nct
        elif kind == "doi":
            ref.doi = ref.doi or normalize_doi(value)
        elif kind == "pmid":
            ref.pmid = ref.pmid or value.lstrip("0")
        elif kind == "pmcid":
            ref.pmcid = ref.pmcid or value
        else:
            ref.nct = ref.nct or value
        cuts.append((start, end))
    out, pos = [], 0
    for start, end in sorted(cuts):
        if start >= pos:
            out.append(text[pos:start])
            pos = end
    out.append(text[pos:])
    core = " ".join("".join(out).split())
    # Labels left behind by the cut identifiers, and access dates, which are not publication years.
    core = re.sub(
        r"\b(?:Available (?:at|from)|Retrieved(?: \w+)? from|Accessed|Retrieved|Published online)\b[^.]*\.?",
        " ",
        core,
        flags=re.I,
    )
    core = re.sub(r"(?:\b(?:doi|PMID|PMCID|PubMed ID)\b\s*:?\s*)+(?=[\s.;,]|$)", " ", core, flags=re.I)
    return " ".join(core.split()).strip(" .;,")


# --- parsing one reference ---------------------------------------------------------------------

LOCATOR_RE = re.compile(
    # Vancouver/AMA "2019;176(11):923-930", "2019 Nov;176:923", "2019; 395: 1000–10"
    rf"\b(?P<year>{YEAR})(?P<suffix>[a-z]?)(?:\s+[A-Z][a-z]{{2}}\.?(?:\s+\d{{1,2}})?)?\s*;\s*"
    r"(?P<volume>\d{1,4})(?:\s*\((?P<issue>[^()]{1,15})\))?\s*:\s*(?P<pages>[eE]?\d{1,8}(?:\s*[-–—]\s*[eE]?\d{1,8})?)(?!\d)"
)
APA_LOCATOR_RE = re.compile(
    # APA/Harvard "Journal, 34(5), 123–130" and "Journal, 12(3), pp. 45-67"
    r",\s*(?P<volume>\d{1,4})\s*\((?P<issue>[^()]{1,15})\)\s*,\s*(?:pp?\.\s*)?"
    r"(?P<pages>[eE]?\d{1,8}(?:\s*[-–—]\s*[eE]?\d{1,8})?)(?!\d)"
)
VOLNO_LOCATOR_RE = re.compile(
    r",\s*vol\.\s*(?P<volume>\d{1,4}),\s*(?:no\.\s*(?P<issue>\d{1,4}),\s*)?pp?\.\s*"
    r"(?P<pages>\d{1,8}(?:\s*[-–—]\s*\d{1,8})?)(?!\d)",
    re.I,
)
_APA_YEAR = re.compile(
    rf"\(\s*(?P<year>{YEAR})(?P<suffix>[a-z]?)(?:,[^()]{{0,30}})?\s*\)|\(\s*n\.\s?d\.\s*\)"
)
_ANY_YEAR = re.compile(rf"(?<![\d/.-])(?P<year>{YEAR})(?P<suffix>[a-z]?)(?![\d/-])")
_INITIALS = re.compile(r"^(?:[A-Z][a-z]?\.?[\s-]*){1,4}$")  # "M.", "C. J.", "CL", "J.-P."
# A person list has initials after a surname: "Dakwar E, Levin F", "Grabski, M., & Morgan, C. J."
_PERSONS = re.compile(rf"\b{LETTER}{{2,}}+,?\s+(?:[A-Z]\.?\s?-?){{1,3}}(?:,|;|$|\s+(?:&|and)\b)")


def parse_reference(raw: str, *, number: int | None = None, position: int | None = None) -> Reference:
    """Read one written reference. APA/Harvard "(2019)." and Vancouver "2019;176:923" styles."""
    text = " ".join(raw.split())
    ref = Reference(raw=text, number=number, position=position)
    if not text or len(text) > _MAX_PARSE:
        return ref
    core = cut_identifiers(ref, text)
    apa = _APA_YEAR.search(core)
    vancouver = LOCATOR_RE.search(core)
    if apa and (not vancouver or apa.start() < vancouver.start()):
        _parse_author_date(ref, core, apa)
    elif vancouver:
        _parse_vancouver(ref, core, vancouver)
    else:
        _parse_loose(ref, core)
    loc = APA_LOCATOR_RE.search(core) or VOLNO_LOCATOR_RE.search(core)
    if ref.journal is None and loc and loc.start() > 0:  # "Journal of X, 14(2), 77–85" with no year
        ref.journal = re.split(r"(?<=[.?!])\s+", core[: loc.start()].strip())[-1].strip(" ,.") or None
        ref.volume, ref.issue, ref.pages = loc.group("volume"), loc.group("issue"), _pages(loc)
    return ref


def _set_year(ref: Reference, m: re.Match[str]) -> None:
    if m.group("year"):
        ref.year, ref.year_suffix = int(m.group("year")), m.group("suffix") or ""


def _parse_author_date(ref: Reference, core: str, m: re.Match[str]) -> None:
    if m.groupdict().get("year"):
        _set_year(ref, m)
    _set_authors(ref, core[: m.start()].strip(" .,"))
    rest = core[m.end() :].strip(" .")
    title_end = re.search(r"[.?!](?:\s|$)", rest)
    if title_end is None:
        ref.title = rest or None
        return
    ref.title = rest[: title_end.start() + (rest[title_end.start()] != ".")].strip() or None
    source = rest[title_end.end() :].strip(" .")
    loc = APA_LOCATOR_RE.search(source) or VOLNO_LOCATOR_RE.search(source)
    if loc and loc.start() > 0:  # a container with no volume is a publisher or site: not a journal
        ref.journal = source[: loc.start()].strip(" ,.") or None
        ref.volume, ref.issue, ref.pages = loc.group("volume"), loc.group("issue"), _pages(loc)


def _parse_vancouver(ref: Reference, core: str, m: re.Match[str]) -> None:
    _set_year(ref, m)
    ref.volume, ref.issue, ref.pages = m.group("volume"), m.group("issue"), _pages(m)
    before = core[: m.start()].strip(" .,")
    et_al = re.search(r"\bet\.?\s+al\b\.?,?", before)
    # Vancouver authors end at the first ". " after initials ("Levin F. Title ...").
    cut = re.search(r"(?<=\b[A-Z])\.\s|(?<=\b[A-Z]{2})\.\s|(?<=\b[A-Z]{3})\.\s", before)
    if et_al:
        authors, rest = before[: et_al.end()], before[et_al.end() :]
    elif cut and _PERSONS.search(before[: cut.start()]):
        authors, rest = before[: cut.start()], before[cut.end() :]
    else:
        authors, rest = "", before
    _set_authors(ref, authors.strip(" ,."))
    segments = [s.strip() for s in re.split(r"(?<=[.?!])\s+", rest.strip(" ,.")) if s.strip()]
    if not segments:
        return
    # The journal is the trailing run of short title-case segments ("Am J Psychiatry", "N. Engl. J. Med.").
    k = len(segments) - 1
    while k > 0 and _journalish(segments[k - 1]) and len(" ".join(segments[k - 1 :]).split()) <= 8:
        k -= 1
    ref.journal = " ".join(segments[k:]).strip(" .,") or None
    ref.title = " ".join(segments[:k]).strip(" ,").removesuffix(".") or None


def _parse_loose(ref: Reference, core: str) -> None:
    year = _ANY_YEAR.search(core)
    if year:
        _set_year(ref, year)
    head = re.match(r"^(.{2,120}?)\.(?:\s|$)", core)
    if head and _looks_like_authors(head.group(1)):
        _set_authors(ref, head.group(1))
        rest = core[head.end() :]
        title = re.match(r"^(.{3,300}?)(?:[.?!](?:\s|$)|$)", rest)
        ref.title = title.group(1).strip() if title else None


def _pages(m: re.Match[str]) -> str | None:
    pages = m.group("pages")
    return re.sub(r"\s*[-–—]\s*", "-", pages) if pages else None


def _journalish(segment: str) -> bool:
    words = segment.strip(" .").split()
    return 0 < len(words) <= 4 and all(
        w[0].isupper() or w.lower() in ("of", "and", "&", "the") for w in words
    )


def _looks_like_authors(s: str) -> bool:
    """A person list ("Smith J, Lee K" / "Smith, J., & Lee, K.") or a title-case organisation."""
    if re.search(r"\bet\.?\s+al\b", s) or _PERSONS.search(s):
        return True
    words = [
        w.strip("()[]") for w in s.split() if w.lower() not in ("of", "for", "the", "and", "on", "in", "&")
    ]
    return 0 < len(words) <= 8 and all(w[:1].isupper() for w in words)


def _set_authors(ref: Reference, segment: str) -> None:
    segment = re.sub(r",?\s*\bet\.?\s+al\b\.?", "", segment).strip(" ,.")
    if not segment or not _looks_like_authors(segment):
        return
    if not _PERSONS.search(segment):  # "National Institute for Health and Care Excellence", "NICE"
        ref.first_author = segment
        return
    parts = [p.strip() for p in re.split(r",\s*|\s+(?:&|and)\s+|;\s*", segment) if p.strip()]
    parts = [re.sub(r"^(?:&|and)\s+", "", p) for p in parts]
    authors: list[str] = []
    for part in parts:
        if authors and _INITIALS.match(part) and "," not in authors[-1]:
            authors[-1] = f"{authors[-1]}, {part}"  # APA "Grabski, M." arrives as two parts
        else:
            authors.append(part)
    ref.authors = authors
    ref.first_author = surname(authors[0]) if authors else None


def surname(author: str) -> str:
    """ "Dakwar E" -> "Dakwar", "Grabski, M." -> "Grabski", "van der Berg JH" -> "van der Berg"."""
    if "," in author:
        return author.split(",")[0].strip()
    words = author.split()
    while len(words) > 1 and _INITIALS.match(words[-1]):
        words.pop()
    return " ".join(words)


# Letters that Unicode decomposition leaves alone but readers treat as plain Latin.
_FOLD = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ß": "ss", "ı": "i"}
)


def name_key(name: str) -> str:
    """Comparison form of a name: no diacritics, case or punctuation ("Østergaard" == "ostergaard")."""
    decomposed = unicodedata.normalize("NFKD", name.casefold().translate(_FOLD))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]+", "", plain)


# --- the reference section ---------------------------------------------------------------------

HEADINGS = frozenset(
    {
        "references", "reference list", "reference", "sources", "source", "bibliography", "citations",
        "works cited", "notes", "endnotes", "footnotes", "literature cited", "cited literature",
        "studies cited", "scientific references", "research references", "sources and references",
        "references and sources", "references and further reading", "further reading",
        "selected references", "key references", "sources cited", "research cited",
    }
)  # fmt: skip
_HEADING_STRIP = re.compile(r"^[#*\s]+|[:*\s]+$")
_LABEL = re.compile(r"^\s*(?:\[(\d{1,3})\]|(\d{1,3})[.)](?=\s)|(\d{1,3})\s(?=\S))\s*")
_BULLET = re.compile(r"^\s*[•\-*–·▪◦]\s+")
_REF_SHAPE = re.compile(
    rf"\(\s*{YEAR}[a-z]?[),]|\(n\.\s?d\.\)|(?:^|[.,;:]\s*){YEAR}[a-z]?[.;,)](?:\s|$|\d)"
    rf"|^(?:{LETTER}[\w'’-]*+\s?){{1,3}},?\s+(?:[A-Z]\.?\s?-?){{1,3}}[,.&]",
)


def _lines(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in re.finditer(r"[^\n]*", text) if m.group().strip()]


def is_heading(line: str) -> bool:
    return _HEADING_STRIP.sub("", line).casefold() in HEADINGS


def looks_like_reference(line: str) -> bool:
    """An entry-shaped line: an identifier, a URL, a journal locator, or a dated author/org entry."""
    s = line.strip()
    if not 8 <= len(s) <= _MAX_PARSE or s.startswith(("©", "Copyright")):
        return False
    if any(True for _ in identifier_spans(s)) or LOCATOR_RE.search(s) or APA_LOCATOR_RE.search(s):
        return True
    return len(s.split()) >= 3 and _REF_SHAPE.search(_BULLET.sub("", s)) is not None


def _label(line: str) -> tuple[int | None, int]:
    """The printed list number of a line and where its text begins."""
    m = _LABEL.match(line)
    if not m:
        bullet = _BULLET.match(line)
        return None, bullet.end() if bullet else len(line) - len(line.lstrip())
    return int(next(g for g in m.groups() if g)), m.end()


def _collect(
    lines: list[tuple[int, int, str]], i: int, *, want_number: int | None = None
) -> tuple[list[Reference], int]:
    """Entries from lines[i:], until a line that is neither an entry nor its continuation.

    With want_number set (a headless run), every entry must carry the next number in sequence.
    Returns the entries and the index of the first line not taken.
    """
    entries: list[Reference] = []
    pieces: list[tuple[int, int, str]] = []  # lines of the entry being read

    def flush() -> None:
        if pieces:
            first = pieces[0]
            number, offset = _label(first[2])
            body = " ".join([first[2][offset:], *(p[2] for p in pieces[1:])])
            ref = parse_reference(body, number=number, position=len(entries) + 1)
            ref.start, ref.end = first[0] + offset, pieces[-1][0] + len(pieces[-1][2].rstrip())
            entries.append(ref)
            pieces.clear()

    while i < len(lines):
        line = lines[i][2]
        number, _ = _label(line)
        if want_number is not None and number is not None and number != want_number:
            break
        if number is not None:
            flush()
            pieces.append(lines[i])
            want_number = None if want_number is None else want_number + 1
        elif pieces and _continues(pieces[-1], lines[i], _label(pieces[0][2])[0] is not None):
            pieces.append(lines[i])
        elif want_number is None and looks_like_reference(line) and not is_heading(line):
            flush()
            pieces.append(lines[i])
        else:
            break
        i += 1
    flush()
    return entries, i


def _continues(previous: tuple[int, int, str], line: tuple[int, int, str], numbered: bool) -> bool:
    """A wrapped line, or a lone identifier line, belongs to the entry above it.

    Unnumbered lists hold one entry per line, so there only a lower-case start or a bare
    identifier continues; a numbered entry runs on until the next label or a blank line.
    """
    s = line[2].strip()
    adjacent = line[0] == previous[1] + 1  # no blank line in between
    if not adjacent or is_heading(s) or _LABEL.match(s) or s.startswith(("©", "Copyright")):
        return False
    if re.fullmatch(r"(?:(?:doi|PMID|PMCID|URL|Available (?:at|from))\s*:?\s*)?\S+", s, re.I):
        return any(True for _ in identifier_spans(s))
    return numbered or s[:1].islower()


def _is_tail(text: str, end: int) -> bool:
    """The list ends the article: what follows is a footer at most, never the article going on."""
    rest = text[end:]
    return len(rest) <= max(2000, len(text) * 3 // 10)


def _usable(entries: Sequence[Reference]) -> bool:
    looks = sum(1 for e in entries if looks_like_reference(e.raw))
    return bool(entries) and looks * 2 >= len(entries)


def find_reference_section(text: str) -> ReferenceSection | None:
    """The reference list closing the article, or None. See the module docstring for the rules."""
    lines = _lines(text)
    for i, (start, _, line) in enumerate(lines):
        if not is_heading(line):
            continue
        entries: list[Reference] = []
        j = i
        while j < len(lines) and is_heading(lines[j][2]):  # "Notes" then "References": one section
            more, j = _collect(lines, j + 1)
            entries += more
        if _usable(entries) and _is_tail(text, entries[-1].end or 0):
            return _section(start, entries, heading=_HEADING_STRIP.sub("", line))
    return _headless_run(text, lines)


def _headless_run(text: str, lines: list[tuple[int, int, str]]) -> ReferenceSection | None:
    for i, (start, _, line) in enumerate(lines):
        m = _LABEL.match(line)
        if not m or m.group(3) or _label(line)[0] != 1 or not looks_like_reference(line):
            continue  # "1 " without a dot is too weak here, and a run must open with a reference
        entries, _ = _collect(lines, i, want_number=1)
        first_two_look = all(looks_like_reference(e.raw) for e in entries[:2])
        if len(entries) >= 2 and first_two_look and _usable(entries) and _is_tail(text, entries[-1].end or 0):
            return _section(start, entries, heading=None)
    return None


def _section(start: int, entries: list[Reference], heading: str | None) -> ReferenceSection:
    for k, entry in enumerate(entries, 1):
        entry.position = k
    numbered = any(e.number is not None for e in entries)
    return ReferenceSection(
        start=start, end=entries[-1].end or start, heading=heading, entries=entries, numbered=numbered
    )


# --- matching mentions to entries --------------------------------------------------------------


def _org_matches(name: str, entry: Reference) -> bool:
    """ "NICE" or "WHO" against "World Health Organization (WHO)" or its initials."""
    key = name_key(name)
    author_text = entry.first_author or entry.raw[:150]
    if key in (name_key(author_text), name_key(re.sub(r"\s*[\[(][^\])]*[\])]", "", author_text))):
        return True  # "World Health Organization" against "World Health Organization (WHO)"
    if name.isupper() and re.search(rf"[\[(]{re.escape(name)}[\])]|\b{re.escape(name)}\b", author_text):
        return True
    initials = "".join(w[0] for w in re.findall(r"\b[A-Z]\w*", author_text))
    return name.isupper() and len(name) > 1 and initials == name


def match_reference(
    entries: Sequence[Reference],
    *,
    number: int | None = None,
    first_author: str | None = None,
    year: int | None = None,
    year_suffix: str = "",
    coauthor: str | None = None,
) -> Reference | None:
    """The one entry a marker number or an author–year citation points to; None when unsure.

    A number matches the printed label; when the list prints no labels (HTML ordered lists lose
    them on extraction) it matches the position. An author–year citation matches on the first
    author's surname (or the organisation) and the year, tolerant of diacritics, "et al." and
    "&"/"and"; a second author, if the citation names one, must match too.
    """
    if number is not None:
        labelled = [e for e in entries if e.number is not None]
        pool = labelled or entries
        found = [e for e in pool if (e.number if labelled else e.position) == number]
        return found[0] if len(found) == 1 else None
    if not first_author:
        return None
    key = name_key(first_author)
    found = []
    for e in entries:
        if e.year != year or (year_suffix and e.year_suffix and e.year_suffix != year_suffix):
            continue
        if (e.first_author and name_key(e.first_author) == key) or _org_matches(first_author, e):
            if coauthor and len(e.authors) > 1 and name_key(surname(e.authors[1])) != name_key(coauthor):
                continue
            found.append(e)
    return found[0] if len(found) == 1 else None

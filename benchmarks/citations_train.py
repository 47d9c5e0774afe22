"""Of the citations on the training pages, how many the resolver can look up, and why not the rest.

    python benchmarks/citations_train.py [--shared ../shared] [--docs DIR] [--all] [--json out.json]

Reads every page of `../shared/eval/train/docs` at run time (never copied here), as `kb extract`
reads it, runs the pipeline's pure analysis (`ingest.pipeline.analyse`: claims, the citation
finder, the reference list, the scope rule), and sorts every citation found on the page, whether
or not it attaches to a claim, by what the works it names give the resolver:

    identifier   a DOI, PMID, PMCID, NCT number or URL
    query        no identifier, but enough to search by the resolver's own rule
                 (`ingest.resolve.resolver.lookup_route`): a journal locator (journal, year,
                 volume, first page) or a bibliographic reference (a title, or authors, year
                 and journal)
    neither      nothing to look up, with the reason (`ingest.resolve.match.not_searchable_reason`,
                 or a numbered marker that points to no reference-list entry)

No network: nothing is looked up, only what could be. It prints one summary line, then each
citation that yields neither (`--all`: every citation) with its page and reason. `--docs` measures
another folder of pages the same way (the seed articles, say).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.claimdata import SHARED, read_page
from ingest.citations import Mention, MentionKind
from ingest.extract import Extracted
from ingest.linking import cited_works
from ingest.pipeline import analyse
from ingest.references import Reference
from ingest.resolve.match import not_searchable_reason
from ingest.resolve.resolver import lookup_route
from kb.models import Work
from kb.settings import Settings

IDENTIFIERS = ("doi", "pmid", "pmcid", "nct", "url")
_MARKERS = (MentionKind.MARKER, MentionKind.SUPERSCRIPT)


@dataclass
class Verdict:
    page: str
    kind: str  # the citation finder's MentionKind
    text: str
    attached: bool  # attached to a claim by the scope rule
    verdict: str  # identifier, query or neither
    route: str  # doi, pmid, ..., locator, bibliographic, or "" for neither
    reason: str = ""


def judge(page: str, mention: Mention, entries: list[Reference], source_key: str, attached: bool) -> Verdict:
    works = cited_works(mention, entries, source_key)
    routes = [r for w in works if (r := lookup_route(w))]
    found = next((r for r in routes if r in IDENTIFIERS), None)
    verdict = Verdict(page, mention.kind.value, " ".join(mention.text.split()), attached, "neither", "")
    if found:
        verdict.verdict, verdict.route = "identifier", found
    elif routes:
        verdict.verdict, verdict.route = "query", routes[0]
    else:
        verdict.reason = _why(mention, works, entries)
    return verdict


def _why(mention: Mention, works: list[Work], entries: list[Reference]) -> str:
    if mention.kind in _MARKERS and mention.numbers:
        if not entries:
            return f"numbered marker {mention.numbers}: the page has no reference list to point to"
        missing = [n for n in mention.numbers if not any(e.number == n or e.position == n for e in entries)]
        if missing:
            return f"numbered marker {missing}: no reference-list entry has that number"
    reasons = [r for w in works if (r := not_searchable_reason(w))]
    if not reasons:
        return "no work named"
    said = reasons[0].removeprefix("no identifier, and the citation states too little to search: ")
    said = said.split(" (")[0]
    if mention.kind is MentionKind.NAMED_SOURCE:
        said = "names a source and a year, no title, author or locator"
    elif mention.kind is MentionKind.AUTHOR_YEAR and not entries:
        said += ", and the page has no reference list to complete it"
    return said


def page_verdicts(path: Path, settings: Settings, url: str | None) -> list[Verdict]:
    text, title = read_page(path, settings)
    key = f"file:{path.name}"
    analysis = analyse(Extracted(text=text, title=title), key=key, locator=str(path), base_url=url)
    links = analysis.links
    attached = {(m.start, m.end): m for ms in links.by_claim.values() for m in ms}
    loose = {(m.start, m.end): m for m in links.unattached if (m.start, m.end) not in attached}
    mentions = sorted([*((m, True) for m in attached.values()), *((m, False) for m in loose.values())],
                      key=lambda p: p[0].start)  # fmt: skip
    return [judge(path.name, m, links.entries, analysis.document.source.key, a) for m, a in mentions]


def _sources(train: Path) -> dict[str, str]:
    table = train / "SOURCES.tsv"
    if not table.is_file():
        return {}
    rows = (line.split("\t") for line in table.read_text(encoding="utf-8").splitlines() if "\t" in line)
    return {name.strip(): url.strip() for name, url in rows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED, help="the shared folder (default ../shared)")
    parser.add_argument(
        "--all", action="store_true", help="list every citation, not only those yielding neither"
    )
    parser.add_argument("--docs", type=Path, help="measure this folder of pages instead (.txt, .md, .html)")
    parser.add_argument("--json", type=Path, help="write every verdict to this file")
    args = parser.parse_args(argv)
    train = args.shared / "eval" / "train"
    folder = args.docs or train / "docs"
    docs = sorted(p for p in folder.glob("*") if p.suffix in (".txt", ".md", ".html", ".htm") and p.is_file())
    if not docs:
        print(f"{folder}: no pages found; pass --shared with the folder that holds eval/train, or --docs")
        return 1
    urls = {} if args.docs else _sources(train)
    settings = Settings(offline=True)
    verdicts = [v for path in docs for v in page_verdicts(path, settings, urls.get(path.name))]
    counts = Counter(v.verdict for v in verdicts)
    routes = Counter(v.route for v in verdicts if v.verdict == "query")
    pages_citing = len({v.page for v in verdicts})
    attached = sum(v.attached for v in verdicts)
    lookable = counts["identifier"] + counts["query"]
    share = f"{100 * lookable / len(verdicts):.0f}%" if verdicts else "n/a"
    print(
        f"citations_train: {folder.name}: {len(docs)} pages ({pages_citing} with citations), {len(verdicts)} citations "
        f"({attached} attached to claims): {lookable} yield an identifier or a query ({share}) = "
        f"{counts['identifier']} identifier + {counts['query']} query "
        f"({routes['locator']} locator, {routes['bibliographic']} bibliographic); {counts['neither']} neither"
    )
    for v in verdicts:
        if args.all or v.verdict == "neither":
            what = v.reason if v.verdict == "neither" else f"{v.verdict}: {v.route}"
            print(f"  {v.page}  [{v.kind}{'' if v.attached else ', unattached'}] {v.text[:90]!r} - {what}")
    if args.json:
        args.json.write_text(json.dumps([asdict(v) for v in verdicts], indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

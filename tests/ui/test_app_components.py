"""The app's pure building blocks: escaping, links, highlighting, summaries, drawing, exports."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest

from kb.console_guard import check_read_only
from kb.models import Flag, FlagReason, FlagStatus, Work
from kb.views import ClaimRef, ClaimRow, FlaggedClaim, GraphEdge, GraphNode, SourceRecord, Subgraph
from ui.components import badges, console_cells, cytoscape, downloads, palette
from ui.components.claim_summary import problems, suggested_reason, summarize
from ui.components.highlight import context_html, highlight_html, numbered
from ui.components.safe import (
    doi_url,
    esc,
    http_url,
    md,
    md_link,
    pmc_url,
    pubmed_url,
    short,
    trial_url,
    work_links,
)
from ui.components.titles import display_title

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(1)>[x](javascript:alert(1))"


def row(cid: str, start: int, end: int, text: str = "t", **kw: object) -> ClaimRow:
    """A claim row, graded "none" unless `kw` says otherwise."""
    fields: dict[str, object] = {"citation_status": "missing", "grade": "none", "score": 0.0, "rank": 0.0}
    fields |= {"rubric_version": "test-1", **kw}
    return ClaimRow.model_validate(
        {"id": cid, "text": text, "source_id": "src_1", "start": start, "end": end, **fields}
    )


def source(**kw: str | None) -> SourceRecord:
    return SourceRecord.model_validate({"id": "src_1", "key": "file:page.txt", **kw})


def flagged(
    claim_id: str, status: FlagStatus, reason: FlagReason = FlagReason.UNCITED, note: str = ""
) -> FlaggedClaim:
    flag = Flag(claim_id=claim_id, reason=reason, created_by="ed", note=note, status=status)
    return FlaggedClaim(flag=flag, claim=ClaimRef(id=claim_id, text="t", source_id="src_1"))


# --- safe ------------------------------------------------------------------------------------


def test_esc_leaves_no_markup() -> None:
    out = esc(HOSTILE + "\"'\x00")
    assert "<" not in out and ">" not in out and '"' not in out and "'" not in out and "\x00" not in out


def test_md_escapes_links_html_directives_and_latex() -> None:
    out = md("see [x](javascript:alert(1)) <b> :red[x] $x$ **bold**\nnext")
    assert "](" not in out.replace("\\](", "").replace("\\(", "")
    for raw in ("<b>", ":red[", "$x$", "**bold**", "\n"):
        assert raw not in out


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "JAVASCRIPT:alert(1)", " javascript:alert(1)", "data:text/html,x", "/relative",
     "https://", "https://a b.org", 'https://x.org/"onmouseover=1', "ftp://x.org/f", None, 3],
)  # fmt: skip
def test_http_url_refuses_everything_but_plain_http(url: object) -> None:
    assert http_url(url) is None


def test_identifier_links_only_from_valid_identifiers() -> None:
    assert doi_url("10.5555/kb.test.001") == "https://doi.org/10.5555/kb.test.001"
    assert doi_url("10.5555/a(b)c") == "https://doi.org/10.5555/a%28b%29c"
    assert doi_url("javascript:alert(1)") is None and doi_url("10.1/x") is None
    assert pubmed_url("912345678") == "https://pubmed.ncbi.nlm.nih.gov/912345678/"
    assert pubmed_url("12a") is None and pubmed_url("0123") is None
    assert pmc_url("pmc123") == "https://pmc.ncbi.nlm.nih.gov/articles/PMC123/"
    assert (
        trial_url("NCT01234567") == "https://clinicaltrials.gov/study/NCT01234567"
        and trial_url("NCT1") is None
    )
    links = work_links(
        Work(key="doi:10.5555/x", doi="10.5555/x", pmid="912345678", url="https://x.org/paper")
    )
    assert [label for label, _ in links] == ["DOI 10.5555/x", "PubMed 912345678"]
    assert work_links(Work(key="url:x", url="javascript:alert(1)")) == []
    assert work_links(Work(key="url:x", url="https://x.org/p")) == [("web page", "https://x.org/p")]
    assert md_link("a [b]", "https://x.org/") == "[a \\[b\\]](<https://x.org/>)"


# --- highlighting ----------------------------------------------------------------------------


def test_highlight_escapes_text_and_marks_each_claim_in_order() -> None:
    text = f"Intro {HOSTILE}. Zorblax cures all. Zorblax may help."
    a = text.index("Zorblax cures")
    b = text.index("Zorblax may")
    claims = [row("clm_b", b, len(text)), row("clm_a", a, a + 18, grade="low")]
    out = highlight_html(text, claims, selected="clm_b")
    assert "<script" not in out and "<img" not in out and "&lt;script&gt;" in out
    assert out.index('data-claim="clm_a"') < out.index('data-claim="clm_b"')
    assert "#1" in out and "#2" in out
    assert out.split('data-claim="clm_b"')[1].split(">")[0].count("outline: 2px solid") == 1
    assert "outline: 2px solid" not in out.split('data-claim="clm_a"')[1].split(">")[0]
    assert palette.GRADE["low"].tint in out.split('data-claim="clm_a"')[1].split(">")[0]  # tinted by grade


def test_highlight_clips_overlaps_and_skips_bad_spans() -> None:
    text = "abcdefghij"
    claims = [row("clm_1", 0, 6), row("clm_2", 4, 8), row("clm_3", 20, 30)]
    out = highlight_html(text, claims)
    assert out.count("<mark ") == 2
    assert [n for n, _ in numbered(claims)] == [1, 2, 3]


def test_context_shows_the_claim_with_surroundings() -> None:
    text = "x" * 1000 + "CLAIM" + "y" * 1000
    out = context_html(text, row("clm_1", 1000, 1005), width=10)
    assert ">…" + "x" * 10 + "<mark" in out and ">CLAIM</mark>" + "y" * 10 + "…<" in out


# --- claims summary --------------------------------------------------------------------------


def test_summary_counts_and_orders_weakest_first() -> None:
    claims = [
        row("clm_1", 0, 1, citation_status="cited", grade="low", score=0.5, rank=0.5),
        row("clm_2", 2, 3, boosters=["proven"], overclaim=True, rank=-0.5),
        row("clm_3", 4, 5, citation_status="vague"),
        row("clm_4", 6, 7, grade="moderate", score=0.75, rank=0.75),
    ]
    s = summarize(claims)
    assert (s.claims, s.cited, s.vague, s.missing, s.overclaims) == (4, 1, 1, 2, 1)
    assert s.share_cited == 0.25
    assert [c.id for c in s.weakest] == ["clm_2", "clm_3", "clm_1", "clm_4"]  # by rank
    assert s.by_grade == {"high": 0, "moderate": 1, "low": 1, "very low": 0, "none": 2}
    assert problems(claims[1]) == ["no citation", "overclaim"]
    assert [suggested_reason(c) for c in claims] == [
        FlagReason.OTHER,
        FlagReason.UNCITED,
        FlagReason.VAGUE,
        FlagReason.UNCITED,
    ]


# --- graph drawing ---------------------------------------------------------------------------


def sample_graph() -> Subgraph:
    nodes = [
        GraphNode(id="src_1", labels=["Source"], caption=HOSTILE),
        GraphNode(
            id="clm_1",
            labels=["Claim", "Uncited"],
            caption="c",
            properties={"citation_status": "missing", "grade": "none"},
        ),
        GraphNode(id="clm_2", labels=["Claim"], caption="d", properties={"grade": "high"}),
        GraphNode(id="ent_1", labels=["Entity"], caption="ketamine\x01"),
    ]
    edges = [
        GraphEdge(start="src_1", end="clm_1", type="HAS_CLAIM", provenance="extractor"),
        GraphEdge(start="src_1", end="clm_2", type="HAS_CLAIM"),
        GraphEdge(start="clm_1", end="ent_9", type="STATES"),  # dangling: drawn nowhere
    ]
    return Subgraph(nodes=nodes, edges=edges)


def test_graph_elements_carry_colours_sizes_and_inert_text() -> None:
    hostile = GraphNode(
        id="clm_3",
        labels=["Claim"],
        caption='Cures <a href="https://evil.example/pay">pay here</a> fast',
        properties={"citation_status": "cited", "reason": "<A HREF='http://x'>y</A>"},
    )
    g = cytoscape.merge(sample_graph(), Subgraph(nodes=[hostile]))
    found = cytoscape.elements(g, focus="clm_1")
    nodes = {n["data"]["id"]: n["data"] for n in found["nodes"]}
    assert nodes["clm_2"]["_colour"] == palette.GRADE["high"].strong  # claims: by grade
    assert nodes["clm_1"]["_colour"] == palette.GRADE["none"].strong
    assert nodes["ent_1"]["_colour"] == palette.NODE["Entity"][0].strong
    assert nodes["clm_1"]["_ring"] > nodes["clm_2"]["_ring"]  # the focus
    assert nodes["src_1"]["_size"] > nodes["ent_1"]["_size"]  # hubs are larger
    # the side panel links `<a href=http…>`: never from graph text
    anchor = re.compile(r"<a\b[^>]*\bhref\s*=", re.IGNORECASE)
    assert not any(anchor.search(str(v)) for n in nodes.values() for v in n.values())
    assert "pay here" in nodes["clm_3"]["caption"]
    assert [e["data"]["id"] for e in found["edges"]] == ["src_1|HAS_CLAIM|clm_1", "src_1|HAS_CLAIM|clm_2"]
    assert "Nothing" not in cytoscape.legend_html() and "&lt;" not in cytoscape.legend_html()


def test_one_palette_keeps_look_alike_meanings_apart() -> None:
    def distance(a: str, b: str) -> float:
        ra, rb = (tuple(int(c[i : i + 2], 16) for i in (1, 3, 5)) for c in (a, b))
        return sum((x - y) ** 2 for x, y in zip(ra, rb, strict=True)) ** 0.5

    assert distance(palette.GRADE["none"].strong, palette.STATUS["missing"].strong) > 120
    assert distance(palette.GRADE["very low"].strong, palette.NODE["Entity"][0].strong) > 120
    strong = [s.strong for s in (*palette.GRADE.values(), *palette.STATUS.values())]
    assert len(set(strong)) == len(strong)
    assert highlight_html("a b", [row("clm_1", 0, 1, grade="none")]).count(palette.GRADE["none"].tint) == 1


def test_badges_show_grade_citation_and_overclaim_in_the_palette() -> None:
    claim = row("clm_1", 0, 1, text=HOSTILE, grade="very low", boosters=["proven"], overclaim=True)
    html = badges.claim_badges(claim)
    assert "grade: very low" in html and "no citation" in html and "overclaim" in html
    assert palette.GRADE["very low"].strong in html and palette.STATUS["missing"].strong in html
    frame = badges.styled([{"grade": "none", "citation": "missing", "overclaim": True, "claim": HOSTILE}])
    styles = frame.to_html()
    assert palette.GRADE["none"].strong in styles and palette.OVERCLAIM.strong in styles


def test_merge_and_keep_labels() -> None:
    g = sample_graph()
    extra = Subgraph(nodes=[GraphNode(id="wrk_1", labels=["Work"], caption="w")], edges=[g.edges[0]])
    merged = cytoscape.merge(g, extra)
    assert len(merged.nodes) == 5 and len(merged.edges) == 3
    only = cytoscape.keep_labels(merged, {"Claim"})
    assert {n.id for n in only.nodes} == {"clm_1", "clm_2"} and only.edges == []


# --- exports ---------------------------------------------------------------------------------


def test_graphml_is_valid_xml_and_keeps_hostile_text_as_text() -> None:
    doc = downloads.graphml(sample_graph())
    root = ET.fromstring(doc.encode())
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    nodes = root.findall(".//g:node", ns)
    assert len(nodes) == 4
    captions = [d.text for d in root.findall(".//g:data[@key='n_caption']", ns)]
    assert HOSTILE in captions and "ketamine" in captions  # the control character is dropped
    assert len(root.findall(".//g:edge", ns)) == 2  # the dangling edge is left out


def test_csv_and_json_exports() -> None:
    g = sample_graph()
    g.nodes[3] = GraphNode(id="ent_2", labels=["Entity"], caption='=HYPERLINK("http://x")')
    nodes = list(csv.DictReader(io.StringIO(downloads.nodes_csv(g))))
    assert nodes[3]["caption"].startswith("'=")  # not a formula in a spreadsheet
    edges = list(csv.DictReader(io.StringIO(downloads.edges_csv(g))))
    assert edges[0] == {"start": "src_1", "type": "HAS_CLAIM", "end": "clm_1", "provenance": "extractor"}
    assert json.loads(downloads.graph_json(g))["nodes"][0]["caption"] == HOSTILE


def test_correction_report_lists_problems_and_flags_inertly() -> None:
    claims = [row("clm_1", 0, 5, text=f"Cures all {HOSTILE}"), row("clm_2", 6, 9, citation_status="cited")]
    flags = [flagged("clm_2", FlagStatus.OPEN, FlagReason.MISLEADING, note="see *this*")]
    rows = downloads.report_rows(claims, flags)
    assert [r["claim_id"] for r in rows] == ["clm_1", "clm_2"]
    markdown = downloads.correction_markdown(source(title="T [x](javascript:1)"), rows, "now")
    body = re.sub(r"^> ", "", markdown, flags=re.MULTILINE)  # quote markers are ours
    assert not re.search(r"(?<!\\)[<>\[\]]", body)  # no HTML, no links
    assert "misleading (open, ed): see \\*this\\*" in markdown
    table = list(csv.DictReader(io.StringIO(downloads.correction_csv(rows))))
    assert table[0]["problems"] == "no citation" and table[1]["flags"].startswith("misleading")


# --- console ---------------------------------------------------------------------------------


def test_console_examples_are_read_only_queries() -> None:
    found = console_cells.examples()
    assert len(found) >= 4
    for query in found.values():
        check_read_only(query)  # raises if an example could write


def test_console_cells_show_nodes_and_paths_readably() -> None:
    node = {"id": "clm_1", "labels": ["Claim"], "text": "Zorblax cures"}
    assert console_cells.display(node) == "(Claim Zorblax cures · clm_1)"
    path = {
        "nodes": [{"id": "src_1", "labels": ["Source"], "title": "T"}, node],
        "relationships": [{"type": "HAS_CLAIM"}],
    }
    assert console_cells.display(path) == "(Source T · src_1)-[HAS_CLAIM]-(Claim Zorblax cures · clm_1)"
    assert console_cells.display({"a": 1}) == '{"a": 1}' and console_cells.display(3) == 3


# --- issue 13 and the autolink item of 16 ----------------------------------------------------


def test_md_keeps_urls_www_names_and_emails_as_text() -> None:
    """GFM links these after escapes are resolved, so the escaped text itself must not match."""
    text = "Pay at https://evil.example/pay, www.evil.example or pay@evil.example (ftp://x.y too)"
    out = md(text)
    plain = out.replace("\\", "").replace("\u2060", "")
    assert plain == text  # the reader sees the same text
    unescaped = out.replace("\\", "")
    assert not re.search(r"[a-z]+://", unescaped, re.IGNORECASE)
    assert not re.search(r"\bwww\.", unescaped, re.IGNORECASE)
    assert not re.search(r"@[\w-]", unescaped)


def test_short_cuts_at_a_word_boundary() -> None:
    assert short("The quick brown fox jumps over the lazy dog", 20) == "The quick brown fox…"
    assert short("short", 20) == "short"
    assert short("x" * 50, 10) == "x" * 9 + "…"  # one overlong word is cut


def test_display_title_drops_labels_and_never_shows_a_cut_sentence() -> None:
    text = "Alcohol and marijuana addiction are significant public health concerns with far-reaching consequences.\n\nTargeting the Brain’s Reward System\n\nMore text."
    made_up = "Alcohol and marijuana addiction are significant public health concerns with…"
    assert (
        display_title(source(title="Title: Ketamine for depression", text=text)) == "Ketamine for depression"
    )
    assert display_title(source(title=made_up, text=text)) == "Targeting the Brain’s Reward System"
    no_heading = "A sentence that goes on. " * 10
    assert display_title(source(title=made_up, text=no_heading, locator="/data/clinic-page.html")) == (
        "clinic-page.html"
    )
    assert display_title(source(title=made_up, locator="https://clinic.example/ketamine/")) == (
        "clinic.example/ketamine"
    )
    assert display_title(source(title=None, locator="pasted text", key="text:abc")) == "Pasted text"


def test_a_resolved_flag_takes_the_statement_off_the_correction_report() -> None:
    claims = [row(f"clm_{i}", i, i + 1, text=f"claim {i}") for i in range(1, 6)]
    claims[4] = row("clm_5", 5, 6, text="claim 5", citation_status="cited")

    flags = [
        flagged("clm_1", FlagStatus.RESOLVED),
        flagged("clm_2", FlagStatus.OPEN),
        flagged("clm_3", FlagStatus.DISMISSED),
        flagged("clm_5", FlagStatus.DISMISSED),
    ]
    rows = downloads.report_rows(claims, flags)
    # corrected: off; open: on; dismissed but still uncited: on; no flag but uncited: on;
    # cited, its flag dismissed: nothing left to correct
    assert [r["claim_id"] for r in rows] == ["clm_2", "clm_3", "clm_4"]
    assert downloads.corrected_count(flags) == 1
    report = downloads.correction_markdown(source(title="Title: A page"), rows, "now")
    assert report.startswith("# Correction report: A page\n")

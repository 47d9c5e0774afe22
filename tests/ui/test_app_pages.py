"""Every page of the app, run in-process with `AppTest` against the real embedded engine.

Each page renders on an empty graph and on sample data without an exception, and the main
interactions work: check an article, filter claims, open a claim, flag and resolve it, run a
read-only query and see a write query refused. Sample data is written with `store.write_document`
(tests/factories.py); the check test runs the real pipeline, offline.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from factories import EXAMPLES, example_documents, xss_document
from streamlit.testing.v1 import AppTest

from kb.models import CitationStatus, EntityKind, FlagReason, FlagStatus, Grade
from kb.settings import get_settings
from kb.store import GraphStore
from kb.views import ClaimFilter
from ui.components import data, nav

APP = Path(__file__).resolve().parents[2] / "ui" / "app.py"
PAGES = [nav.CHECK, nav.ARTICLE, nav.CLAIMS, nav.CLAIM, nav.GRAPH, nav.QUEUE, nav.OVERVIEW]
TIMEOUT = 60


@pytest.fixture
def sample(graph: GraphStore) -> GraphStore:
    for doc in example_documents():
        graph.write_document(doc)
    return graph


def run(page: str = nav.CHECK, **query: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params.update(query)
    at.run()
    if page != nav.CHECK:
        at.switch_page(page).run()
    assert_ok(at)
    return at


def assert_ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def texts(at: AppTest) -> str:
    """Everything the page says in Markdown, captions, alerts and HTML, as one string."""
    parts = [e.value for e in (*at.markdown, *at.caption, *at.info, *at.warning, *at.success, *at.error)]
    parts += [e.value for e in at.html] + [str(m.value) for m in at.metric] + [e.label for e in at.expander]
    return "\n".join(str(p) for p in parts)


def graphs(at: AppTest) -> list[dict[str, Any]]:
    """The graph views on the page: each one's Cytoscape elements ({"nodes": [...], "edges": [...]})."""
    views = [e.proto for e in at.get("component_instance") if "cytoscape" in e.proto.component_name]
    return [json.loads(v.json_args)["elements"] for v in views]


def node_ids(view: dict[str, Any]) -> set[str]:
    return {n["data"]["id"] for n in view["nodes"]}


def first_claim(store: GraphStore, **flt: object) -> str:
    return store.list_claims(ClaimFilter(**flt), page_size=1).rows[0].id


# --- every page, empty and with data ---------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_an_empty_graph(graph: GraphStore, page: str) -> None:
    at = run(page)
    assert not at.error, [e.value for e in at.error]
    if page in (nav.ARTICLE, nav.QUEUE, nav.OVERVIEW):
        assert "No articles yet" in texts(at)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_with_sample_data(sample: GraphStore, page: str) -> None:
    at = run(page)
    assert not at.error, [e.value for e in at.error]
    assert at.title[0].value


def test_empty_claims_explorer_and_graph_explorer_say_what_to_do(graph: GraphStore) -> None:
    assert "No articles yet" in texts(run(nav.CLAIMS))
    assert "No articles yet" in texts(run(nav.GRAPH))
    assert "No claim chosen yet" in texts(run(nav.CLAIM))


# --- check an article ------------------------------------------------------------------------


def test_check_pasted_text_shows_the_report_card(graph: GraphStore) -> None:
    text = sorted(EXAMPLES.glob("*.txt"))[0].read_text(encoding="utf-8")
    at = run()
    at.text_area(key="check-text-body").input(text)
    at.button(key="check-text-submit").click().run()
    assert_ok(at)
    assert not at.error, [e.value for e in at.error]
    assert at.status and "Checked" in at.status[0].label
    assert any("Report card" in s.value for s in at.subheader)
    found = graph.counts().nodes["Claim"]
    assert found > 0
    assert {m.label: m.value for m in at.metric}["Claims found"] == str(found)


def test_check_opens_the_article_view(graph: GraphStore) -> None:
    at = run()
    at.text_area(key="check-text-body").input("Zorblax therapy cures chronic fatigue in every patient.")
    at.button(key="check-text-submit").click().run()
    source_id = graph.list_sources()[0].id
    at.button(key=f"card-article-{source_id}").click().run()
    assert_ok(at)
    assert at.title[0].value == "Article view"
    assert at.query_params.get("source") == source_id


def test_check_uploaded_files_and_a_broken_one(graph: GraphStore) -> None:
    at = run()
    good = ("clinic.md", b"# Zorblax\n\nZorblax therapy cures chronic fatigue.\n", "text/markdown")
    broken = ("scan.pdf", b"%PDF-1.4 this is not really a pdf", "application/pdf")
    at.file_uploader(key="check-files-value").set_value([good, broken])
    at.button(key="check-files-submit").click().run()
    assert_ok(at)
    assert graph.counts().nodes["Source"] == 1
    assert len(at.error) == 1 and "scan.pdf" in at.error[0].value
    assert "Traceback" not in at.error[0].value


def test_check_asks_for_input_instead_of_failing(graph: GraphStore) -> None:
    at = run()
    at.button(key="check-text-submit").click().run()
    assert_ok(at)
    assert "Paste some text first." in [w.value for w in at.warning]


# --- article view ----------------------------------------------------------------------------


def test_article_view_highlights_every_claim_and_selects_one(sample: GraphStore) -> None:
    source = sample.list_sources()[0]
    view = sample.get_source(source.id)
    at = run(nav.ARTICLE, source=source.id)
    article = next(h.value for h in at.html if "kb-article" in h.value)
    assert article.count("<mark ") == len(view.claims)
    for claim in view.claims:
        assert f'data-claim="{claim.id}"' in article
    last = view.claims[-1]
    at.selectbox(key="article-claim").set_value(last.id).run()
    assert_ok(at)
    assert at.query_params.get("claim") == last.id
    assert (
        "outline: 2px solid"
        in next(h.value for h in at.html if "kb-article" in h.value)
        .split(f'data-claim="{last.id}"')[1]
        .split(">")[0]
    )


def test_article_view_shows_the_grade_with_its_reasons(sample: GraphStore) -> None:
    for grade in (Grade.LOW, Grade.NONE):
        claim_id = first_claim(sample, grade=grade)
        source_id = sample.get_claim(claim_id).source.id
        at = run(nav.ARTICLE, source=source_id, claim=claim_id)
        assert f"Why “{grade.value}”" in texts(at)
        assert "Weakest claims first" in [e.label for e in at.expander]


def test_article_view_renders_hostile_text_inert(graph: GraphStore) -> None:
    doc = xss_document()
    graph.write_document(doc)
    at = run(nav.ARTICLE, source=doc.source.id)
    html = "\n".join(h.value for h in at.html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<script" not in html and "<img" not in html
    assert "<style" not in html and "&lt;style&gt;body{display:none}&lt;/style&gt;" in html
    assert "position:fixed" not in html.replace("&lt;div style=&quot;position:fixed", "")
    assert not re.search(r"href\s*=\s*[\"']?\s*javascript:", html, re.I)
    for md in (*at.markdown, *at.caption):
        text = re.sub(r"\]\(<https://[^\s<>]+>\)", "]", md.value)  # links the app built from identifiers
        assert not re.search(r"(?<!\\)<", text), md.value  # every other < escaped for Markdown
        assert "](javascript" not in text and "](<javascript" not in text


# --- claims explorer -------------------------------------------------------------------------


def shown_total(at: AppTest) -> int:
    line = next(m.value for m in at.markdown if " claims** · showing" in m.value)
    return int(line.split("**")[1].split()[0].replace(",", ""))


def test_claims_explorer_filters_by_status_search_and_grade(sample: GraphStore) -> None:
    at = run(nav.CLAIMS)
    assert shown_total(at) == sample.list_claims().total
    at.selectbox(key="claims-status").set_value("missing").run()
    missing = CitationStatus.MISSING
    assert shown_total(at) == sample.list_claims(ClaimFilter(status=missing)).total
    at.text_input(key="claims-search").input("cravings").run()
    assert shown_total(at) == sample.list_claims(ClaimFilter(status=missing, search="cravings")).total
    at.selectbox(key="claims-status").set_value("any").run()
    at.text_input(key="claims-search").input("").run()
    at.selectbox(key="claims-grade").set_value("none").run()
    assert shown_total(at) == sample.list_claims(ClaimFilter(grade=Grade.NONE)).total
    at.text_input(key="claims-search").input("no such words anywhere").run()
    assert_ok(at)
    assert "No claim matches" in texts(at)


def test_claims_explorer_pages_through_the_store(sample: GraphStore) -> None:
    total = sample.list_claims().total
    at = run(nav.CLAIMS)
    at.selectbox(key="claims-page-size").set_value(25).run()
    assert at.pagination[0].num_pages == -(-total // 25)
    at.pagination[0].set_value(2).run()
    assert_ok(at)
    second = sample.list_claims(page=1, page_size=25).rows
    assert [r["id"] for r in at.dataframe[0].value.to_dict("records")] == [r.id for r in second]


def test_claims_explorer_opens_a_claim(sample: GraphStore) -> None:
    at = run(nav.CLAIMS)
    target = sample.list_claims(page_size=3).rows[2]
    at.selectbox(key="claims-open").set_value(target.id)
    at.button(key="claims-open-button").click().run()
    assert_ok(at)
    assert at.title[0].value == "Claim detail"
    assert target.text.split()[0] in texts(at)


# --- claim detail and flags ------------------------------------------------------------------


def test_claim_detail_shows_context_citations_and_other_sources(sample: GraphStore) -> None:
    cited = first_claim(sample, status="cited")
    at = run(nav.CLAIM, claim=cited)
    said = texts(at)
    assert "A made\\-up randomized trial of ketamine" in said
    assert "(<https://doi.org/10.5555/kb.ui." in said and "(<https://pubmed.ncbi.nlm.nih.gov/9" in said
    assert "other source(s)" in said
    assert "Retracted" in said and "excluded from the grade" in said
    assert any(cited in node_ids(view) for view in graphs(at))  # the neighbourhood


def test_claim_detail_keeps_candidate_evidence_apart(sample: GraphStore) -> None:
    candidate = next(
        c.id for c in sample.list_claims(page_size=200).rows if sample.get_claim(c.id).candidates
    )
    at = run(nav.CLAIM, claim=candidate)
    said = texts(at)
    assert "Cites nothing" in said and "Candidate evidence" in said
    assert "not cited by the article" in said and "found by literature search" in said
    assert said.index("Cites nothing") < said.index("Candidate evidence")


def test_accepting_a_candidate_counts_it_for_the_grade(sample: GraphStore) -> None:
    candidate = next(
        c.id for c in sample.list_claims(page_size=200).rows if sample.get_claim(c.id).candidates
    )
    before = sample.get_claim(candidate)
    work_id = before.candidates[0].work.id
    at = run(nav.CLAIM, claim=candidate)
    at.button(key=f"candidate-{candidate}-{work_id}").click().run()
    assert_ok(at)
    after = sample.get_claim(candidate)
    assert after.candidates[0].edge.accepted is True
    assert any("accepted" in r or "candidate" in r or "supporting" in r for r in after.claim.reasons)
    assert after.citations == []  # still nothing cited by the article itself
    assert after.claim.citation_status == before.claim.citation_status


def test_flag_a_claim_then_resolve_it(sample: GraphStore) -> None:
    claim_id = first_claim(sample, status="missing")
    at = run(nav.CLAIM, claim=claim_id)
    at.text_input(key="editor_name").input("Dr. Reviewer")
    at.selectbox(key="reason-claim").set_value(FlagReason.OVERCLAIM)
    at.text_area(key="note-claim").input("No trial supports this.")
    at.button(key="flag-submit-claim").click().run()
    assert_ok(at)
    assert any("Flagged as “overclaim”" in s.value for s in at.success)
    flags = sample.get_claim(claim_id).flags
    assert len(flags) == 1
    flag = flags[0]
    assert (flag.reason, flag.note, flag.created_by) == (
        "overclaim",
        "No trial supports this.",
        "Dr. Reviewer",
    )
    assert "flagged" in texts(at)

    at.text_input(key=f"flag-note-claim-{flag.id}").input("Clinic removed the sentence.")
    at.button(key=f"resolve-claim-{flag.id}").click().run()
    assert_ok(at)
    resolved = sample.get_claim(claim_id).flags[0]
    assert resolved.status == "resolved"
    assert [e.status for e in resolved.history] == ["open", "resolved"]
    assert resolved.history[1].note == "Clinic removed the sentence."


def test_claim_detail_for_an_unknown_id_is_a_message(graph: GraphStore) -> None:
    at = run(nav.CLAIM, claim="clm_doesnotexist")
    assert "no claim with id clm_doesnotexist" in at.error[0].value


# --- graph explorer and console --------------------------------------------------------------


def test_graph_explorer_shows_expands_and_exports(sample: GraphStore) -> None:
    at = run(nav.GRAPH)
    ketamine = next(e.id for e in sample.entities(EntityKind.INTERVENTION) if e.name == "ketamine")
    at.selectbox(key="graph-entity").set_value(ketamine).run()
    at.button(key="graph-show").click().run()
    assert_ok(at)
    view = graphs(at)[0]
    assert ketamine in node_ids(view) and len(view["nodes"]) <= 50  # one hop, at most 50 nodes
    hub = at.selectbox(key="graph-node").options[1]  # the most connected neighbour
    at.selectbox(key="graph-node").select(hub)
    at.button(key="graph-expand").click().run()
    assert_ok(at)
    assert node_ids(graphs(at)[0]) > node_ids(view)  # expanded in the same view
    assert {b.label for b in at.download_button} >= {"Nodes CSV", "Edges CSV", "JSON", "GraphML"}


def test_console_runs_a_read_query_as_a_table_and_a_graph(sample: GraphStore) -> None:
    at = run(nav.GRAPH)
    at.text_area(key="console-query").input(
        "MATCH (c:Claim) RETURN c.text AS text, c.citation_status AS status LIMIT 5"
    )
    at.button(key="console-run").click().run()
    assert_ok(at)
    assert not at.error
    frame = at.dataframe[-1].value
    assert list(frame.columns) == ["text", "status"] and len(frame) == 5
    at.text_area(key="console-query").input("MATCH p = (s:Source)-[:HAS_CLAIM]->(c:Claim) RETURN p LIMIT 3")
    at.button(key="console-run").click().run()
    assert_ok(at)
    view = graphs(at)[-1]
    assert {e["data"]["label"] for e in view["edges"]} == {"HAS_CLAIM"}
    at.button(key="console-to-explorer").click().run()
    assert_ok(at)
    assert at.session_state["graph-tabs"] == "Explore"  # the result opens in the explorer's view
    assert node_ids(graphs(at)[0]) == node_ids(view)


@pytest.mark.parametrize(
    ("setting", "query", "said"),
    [
        ("KB_CONSOLE_ROW_LIMIT", "UNWIND range(1, 50) AS n RETURN n", "cut at the row limit"),
        (
            "KB_CONSOLE_MAX_BYTES",
            "UNWIND range(1, 50) AS n RETURN 'a long enough value ' + n AS v",
            "size limit",
        ),
    ],
)
def test_console_says_which_limit_cut_its_result(
    graph: GraphStore, monkeypatch: pytest.MonkeyPatch, setting: str, query: str, said: str
) -> None:
    monkeypatch.setenv(setting, "200" if setting.endswith("BYTES") else "3")
    get_settings.cache_clear()
    st.cache_resource.clear()  # the app's store reads its limits when it connects
    try:
        at = run(nav.GRAPH)
        at.text_area(key="console-query").input(query)
        at.button(key="console-run").click().run()
        assert_ok(at)
        assert said in texts(at)
    finally:
        st.cache_resource.clear()


def test_console_refuses_a_write_query(sample: GraphStore) -> None:
    before = sample.counts()
    at = run(nav.GRAPH)
    at.text_area(key="console-query").input("MATCH (c:Claim) DETACH DELETE c")
    at.button(key="console-run").click().run()
    assert_ok(at)
    assert "read-only" in at.error[0].value
    assert sample.counts() == before


def test_console_example_fills_the_query(sample: GraphStore) -> None:
    at = run(nav.GRAPH)
    example = at.selectbox(key="console-example").options[0]
    at.selectbox(key="console-example").select(example).run()
    assert (at.text_area(key="console-query").value or "").startswith("MATCH")
    at.button(key="console-run").click().run()
    assert_ok(at)
    assert not at.error, [e.value for e in at.error]


# --- editor queue ----------------------------------------------------------------------------


def test_editor_queue_flags_lists_and_reports(sample: GraphStore) -> None:
    at = run(nav.QUEUE)
    queue = sample.editor_queue(page_size=25)
    assert [r["claim"] for r in at.dataframe[0].value.to_dict("records")] == [r.text for r in queue]
    worst = queue[0]
    at.selectbox(key="queue-pick").set_value(worst.id)
    at.text_area(key="note-queue").input("Needs a source.")
    at.button(key="flag-submit-queue").click().run()
    assert_ok(at)
    assert sample.get_claim(worst.id).claim.flagged is True
    open_flags = next(f for f in at.dataframe if "reason" in f.value.columns).value
    assert worst.text in list(open_flags["claim"])
    assert worst.id not in [r.id for r in sample.editor_queue(page_size=100)]  # flagged: off the queue

    flag_id = sample.get_claim(worst.id).flags[0].id
    at.button(key=f"dismiss-queue-flag-{flag_id}").click().run()
    assert_ok(at)
    assert sample.get_claim(worst.id).flags[0].status == "dismissed"

    at.radio(key="queue-flag-status").set_value("dismissed").run()
    dismissed = next(f for f in at.dataframe if "reason" in f.value.columns).value
    assert list(dismissed["status"]) == ["dismissed"]
    history = [f for f in at.dataframe if "when" in f.value.columns and "by" in f.value.columns][-1].value
    assert list(history["status"]) == ["open", "dismissed"]

    at.selectbox(key="report-source").set_value(worst.source_id).run()
    report = next(c.value for c in at.code if c.value.startswith("# Correction report"))
    assert "dismissed" in report and "Needs a source." in report
    assert {b.label for b in at.download_button} >= {"Download report (Markdown)", "Download report (CSV)"}


# --- overview --------------------------------------------------------------------------------


def test_overview_counts_and_charts(sample: GraphStore) -> None:
    at = run(nav.OVERVIEW)
    metrics = {m.label: m.value for m in at.metric}
    counts = sample.counts().nodes
    assert metrics["Articles"] == str(counts["Source"]) and metrics["Claims"] == str(counts["Claim"])
    assert len(at.get("vega_lite_chart")) == 2
    at.selectbox(key="overview-open").set_value(sample.list_sources()[1].id)
    at.button(key="overview-open-button").click().run()
    assert at.title[0].value == "Article view"


# --- failures are messages -------------------------------------------------------------------


def test_an_unreachable_graph_is_a_clear_message(graph: GraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:9")
    get_settings.cache_clear()
    data.get_store.clear()
    try:
        at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
        assert_ok(at)
        assert "not reachable" in at.error[0].value and "cannot reach the graph" in at.error[0].value
    finally:
        monkeypatch.delenv("NEO4J_URI")
        get_settings.cache_clear()
        data.get_store.clear()


def test_no_page_or_component_renders_raw_html_from_markdown() -> None:
    ui = APP.parent
    offenders = [p.name for p in ui.rglob("*.py") if "unsafe_allow_html" in p.read_text()]
    assert offenders == []


# --- issue 13: titles, grades at a glance, the correction report ------------------------------


def test_report_card_names_the_article_and_charts_its_grades(graph: GraphStore) -> None:
    at = run()
    at.text_area(key="check-text-body").input(
        "Title: Ketamine clinic\n\nKetamine cures depression in every patient. Studies show it works fast."
    )
    at.button(key="check-text-submit").click().run()
    assert_ok(at)
    assert [s.value for s in at.subheader] == ["Report card: Ketamine clinic"]  # no "Title:" label
    assert at.get("vega_lite_chart"), "the report card has no chart of its grades"
    assert "kb-badge" in texts(at)  # the weakest claims carry their grade and citation badges

    long_first_line = " ".join(["Alcohol and marijuana addiction are significant public health concerns"] * 3)
    at.text_area(key="check-text-body").input(
        f"{long_first_line}.\n\nTargeting the Reward System\n\nKetamine reduces cravings in most patients."
    )
    at.button(key="check-text-submit").click().run()
    assert_ok(at)
    assert [s.value for s in at.subheader] == ["Report card: Targeting the Reward System"]


def test_report_card_of_an_article_without_claims(graph: GraphStore) -> None:
    at = run()
    at.text_area(key="check-text-body").input("Opening hours\n\nWe are open Monday to Friday, nine to five.")
    at.button(key="check-text-submit").click().run()
    assert_ok(at)
    assert {m.label: m.value for m in at.metric}["Claims found"] == "0"
    assert any("No checkable health claim" in w.value and "not a clean bill" in w.value for w in at.warning)
    assert {m.label: m.value for m in at.metric}["Cited"] == "—"  # not "0%", which reads as a verdict


def test_tables_show_grade_citation_and_overclaim_worst_first(sample: GraphStore) -> None:
    at = run(nav.CLAIMS)
    frame = at.dataframe[0].value
    assert {"grade", "citation", "overclaim"} <= set(frame.columns)
    ranks = [r.rank for r in sample.list_claims().rows]
    assert ranks == sorted(ranks)  # the store's order is worst first, and the table keeps it
    assert list(frame["claim"])[:5] == [r.text for r in sample.list_claims(page_size=5).rows]
    at = run(nav.QUEUE)
    assert {"grade", "citation", "overclaim"} <= set(at.dataframe[0].value.columns)
    at = run(nav.CLAIM, claim=first_claim(sample, status="missing"))
    assert "grade: " in texts(at) and "kb-badge" in texts(at)


def test_correction_report_leaves_out_corrected_statements_and_wraps(sample: GraphStore) -> None:
    at = run(nav.QUEUE)
    worst = sample.editor_queue(page_size=1)[0]
    at.selectbox(key="report-source").set_value(worst.source_id).run()

    def needing() -> int:
        said = next(m.value for m in at.markdown if "need correcting" in m.value)
        found = re.search(r"\*\*(\d+) statements\*\*", said)
        assert found, said
        return int(found.group(1))

    before = needing()
    flag = sample.create_flag(worst.id, reason=FlagReason.UNCITED, by="ed", note="add a source")
    st.cache_data.clear()
    at.run()
    assert needing() == before  # an open flag on a statement already counted
    sample.update_flag(flag.id, status=FlagStatus.RESOLVED, by="ed", note="the clinic added a source")
    st.cache_data.clear()
    at.run()
    assert_ok(at)
    assert needing() == before - 1
    assert any("1 marked corrected" in m.value for m in at.markdown)
    preview = next(c for c in at.code if c.value.startswith("# Correction report"))
    assert preview.proto.wrap_lines  # long lines wrap instead of running off the edge

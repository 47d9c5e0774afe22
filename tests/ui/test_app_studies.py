"""The claim beside its study in the app (issue 15, parts 2 and 3).

Pure pieces first (the side-by-side table, the Article view's mark, the correction report),
then every page with `AppTest` against the real embedded engine: the claim detail's table and
the editor's stance (recorded, shown with its history, the grade re-computed), the Article
view's mark and legend, the editor queue's worklist and the correction report.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import streamlit as st
from factories import MOUSE_STUDY, TRIAL_STUDY, study_document
from streamlit.testing.v1 import AppTest

from ingest.comparison import compare
from kb.comparison import Verdict
from kb.models import Atom, Claim, Cues, Design, Document, EditorStance, Grade, Work
from kb.store import GraphStore
from kb.views import ClaimRow, SourceRecord
from ui.components import downloads, nav
from ui.components.comparison import comparison_html, mismatch_words, tally, verdict_label

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(1)>"


def _claim(text: str = "Ketamine cures alcohol cravings in people with alcohol use disorder.") -> Claim:
    return Claim(
        source_id="src_x",
        text=text,
        start=0,
        end=len(text),
        cues=Cues(boosters=["cures"]),
        atoms=[Atom(intervention="ketamine", effect="reduces", outcome="alcohol cravings")],
    )


MOUSE = Work(
    key="doi:10.5555/kb.cmp.1",
    doi="10.5555/kb.cmp.1",
    title="Ketamine and ethanol preference in mice",
    design=Design.ANIMAL,
    human=False,
    sample_size=12,
    abstract="We gave ketamine to mice. Conclusions: Ketamine may reduce ethanol preference in mice.",
)


# --- the side-by-side table (pure) -----------------------------------------------------------


def test_the_table_puts_the_claim_beside_the_study_axis_by_axis() -> None:
    comparison = compare(_claim(), MOUSE)
    table = comparison_html(comparison)
    assert re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', table) == [
        "axis",
        "the claim says",
        "the study did",
        "verdict",
    ]
    axes = re.findall(r'<th scope="row"[^>]*>([^<]+)</th>', table)
    assert axes == ["who", "what", "outcome", "design and size", "strength"]
    who = table.split('scope="row"')[1]
    assert "people with alcohol use disorder" in who and "mice" in who
    assert "≠ mismatch" in who and "claim about people with alcohol use disorder; study in mice" in who
    assert table.count("kb-mismatch") == len(comparison.mismatches) > 0  # each mismatch marked
    assert "✓ match" in table  # what: ketamine on both sides
    assert "The study concludes" in table and "may reduce ethanol preference" in table
    assert tally(comparison).startswith("1 of 5 axes match; 4 mismatch (who, outcome")


def test_not_stated_stays_not_stated() -> None:
    bare = Work(key="doi:10.5555/kb.cmp.2", doi="10.5555/kb.cmp.2")  # no title, no abstract
    comparison = compare(_claim(), bare)
    assert {a.verdict for a in comparison.axes} == {Verdict.NOT_STATED}
    table = comparison_html(comparison)
    assert "✓ match" not in table and "≠ mismatch" not in table
    assert table.count("? not stated") == 5
    assert "no abstract or conclusion on record" in table
    assert verdict_label(Verdict.NOT_STATED) == "? not stated"
    assert mismatch_words([comparison]) == []


def test_the_table_escapes_the_claim_and_the_study() -> None:
    hostile = MOUSE.model_copy(
        update={"title": f"Mice {HOSTILE}", "abstract": f"Conclusions: {HOSTILE} may help."}
    )
    table = comparison_html(compare(_claim(f"Ketamine cures cravings {HOSTILE}."), hostile))
    assert "<script" not in table and "<img" not in table
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in table


def test_the_correction_report_names_the_mismatch_in_words() -> None:
    cited = ClaimRow.model_validate(
        {
            "id": "clm_1",
            "source_id": "src_1",
            "text": "Ketamine cures cravings.",
            "start": 0,
            "end": 24,
            "citation_status": "cited",
            "grade": "low",
            "score": 0.4,
            "rank": 0.4,
            "rubric_version": "test-1",
        }
    )
    words = mismatch_words([compare(_claim(), MOUSE)])
    assert downloads.report_rows([cited], []) == []  # cited and matching: nothing to correct
    rows = downloads.report_rows([cited], [], {"clm_1": words})
    assert rows[0]["problems"] == "cited study does not match"
    assert rows[0]["study_mismatch"].startswith(
        "who: claim about people with alcohol use disorder; study in mice"
    )
    markdown = downloads.correction_markdown(SourceRecord(id="src_1", key="file:x.txt"), rows, "now")
    assert "- The cited study does not match the claim: who: claim about people" in markdown
    assert "study\\_mismatch" not in markdown
    assert "study_mismatch" in downloads.correction_csv(rows).splitlines()[0]


# --- the app, against the real engine --------------------------------------------------------

APP = Path(__file__).resolve().parents[2] / "ui" / "app.py"
TIMEOUT = 60


@pytest.fixture
def doc(graph: GraphStore) -> Document:
    written = study_document()
    graph.write_document(written)
    return written


def run(page: str, **query: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params.update(query)
    at.run()
    at.switch_page(page).run()
    assert_ok(at)
    return at


def assert_ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def html(at: AppTest) -> str:
    return "\n".join(h.value for h in at.html)


def texts(at: AppTest) -> str:
    parts = [e.value for e in (*at.markdown, *at.caption, *at.info, *at.warning, *at.success)]
    return "\n".join(str(p) for p in parts) + "\n" + html(at)


def cited(doc: Document, work: Work) -> str:
    return next(c.claim_id for c in doc.citations if c.work_id == work.id)


def test_claim_detail_puts_the_claim_beside_each_study(doc: Document) -> None:
    at = run(nav.CLAIM, claim=cited(doc, MOUSE_STUDY))
    table = next(h.value for h in at.html if "kb-comparison" in h.value)
    assert "claim about people with alcohol use disorder; study in mice" in table
    assert "≠ mismatch" in table and "✓ match" in table
    said = texts(at)
    assert "Cited, but the study does not match the claim" in said
    assert "differs from the claim on who, outcome, design and size, strength" in said
    assert "4 mismatch" in said  # the tally above the table
    assert "study does not match" in said  # the badge
    assert "No editor has judged" in said

    at = run(nav.CLAIM, claim=cited(doc, TRIAL_STUDY))
    table = next(h.value for h in at.html if "kb-comparison" in h.value)
    assert "≠ mismatch" not in table and table.count("✓ match") == 5
    assert "Cited, but the study does not match" not in texts(at)


def test_an_editor_records_a_stance_and_the_grade_follows(graph: GraphStore, doc: Document) -> None:
    claim_id = cited(doc, TRIAL_STUDY)
    assert graph.get_claim(claim_id).claim.grade is Grade.HIGH
    at = run(nav.CLAIM, claim=claim_id)
    at.text_input(key="editor_name").input("Dr. Ana Reviewer")
    wid = TRIAL_STUDY.id
    at.radio(key=f"stance-cited-{wid}").set_value(EditorStance.CONTRADICTS)
    at.text_input(key=f"stance-note-cited-{wid}").input("The trial's own follow-up found no lasting effect.")
    at.button(key=f"stance-submit-cited-{wid}").click().run()
    assert_ok(at)

    after = graph.get_claim(claim_id)
    assert after.claim.grade is not Grade.HIGH
    assert any("contradict" in r for r in after.claim.reasons)
    stance = next(s.stance for s in after.studies if s.work.id == wid)
    assert stance is not None and (stance.stance, stance.by) == (EditorStance.CONTRADICTS, "Dr. Ana Reviewer")
    said = texts(at)
    assert (
        f"Stance “contradicts” recorded by Dr. Ana Reviewer. The grade is now “{after.claim.grade.value}”."
        in said
    )
    assert f"Why “{after.claim.grade.value}”" in said  # the grade shown is the new one
    assert "👎 contradicts" in said and "Dr\\. Ana Reviewer" in said
    assert "an editor \\(Dr\\. Ana Reviewer\\) judged that “Intravenous ketamine" in said  # why it is marked

    at.radio(key=f"stance-cited-{wid}").set_value(EditorStance.SUPPORTS)
    at.button(key=f"stance-submit-cited-{wid}").click().run()
    assert_ok(at)
    history = next(f.value for f in at.dataframe if "stance" in f.value.columns)
    assert list(history["stance"]) == ["supports", "contradicts"]  # newest first
    assert list(history["note"])[1] == "The trial's own follow-up found no lasting effect."
    assert graph.get_claim(claim_id).claim.grade is Grade.HIGH


def test_a_stance_needs_a_choice(graph: GraphStore, doc: Document) -> None:
    claim_id = cited(doc, MOUSE_STUDY)
    at = run(nav.CLAIM, claim=claim_id)
    at.button(key=f"stance-submit-cited-{MOUSE_STUDY.id}").click().run()
    assert not at.exception
    assert any("Pick supports" in w.value for w in at.warning)
    assert graph.stance_history(claim_id, MOUSE_STUDY.id) == []


def test_article_view_marks_a_claim_whose_study_does_not_match(doc: Document) -> None:
    mouse, trial = cited(doc, MOUSE_STUDY), cited(doc, TRIAL_STUDY)
    at = run(nav.ARTICLE, source=doc.source.id, claim=mouse)
    article = next(h.value for h in at.html if "kb-article" in h.value)
    marked = re.findall(r'<mark data-claim="([^"]+)" data-mismatch="true"', article)
    assert marked == [mouse]  # the trial matches its claim; the uncited hedge has no study
    assert (
        "the cited study does not match the claim" in article.split(f'data-claim="{mouse}"')[1].split(">")[0]
    )
    legend = next(h.value for h in at.html if "kb-legend" in h.value)
    assert "≠" in legend and "the cited study does not match the claim" in legend
    said = texts(at)
    assert (
        "≠ mismatch" in said and "who**: claim about people with alcohol use disorder; study in mice" in said
    )
    assert any("≠ study does not match" in o for o in at.selectbox(key="article-claim").options)
    at.selectbox(key="article-claim").set_value(trial).run()
    assert_ok(at)
    assert "matches on every axis" in texts(at)


def test_the_editor_queue_lists_cited_claims_whose_study_does_not_match(
    graph: GraphStore, doc: Document
) -> None:
    at = run(nav.QUEUE)
    worklist = next(f.value for f in at.dataframe if "mismatch" in f.value.columns)
    rows = graph.study_mismatches(page_size=25)
    assert list(worklist["claim"]) == [r.text for r in rows] == [doc.claims[0].text]  # worst first
    words = worklist["mismatch"][0]
    assert "who: claim about people with alcohol use disorder; study in mice" in words
    assert list(worklist["study"]) == ["Ketamine and ethanol preference in mice"]
    assert "- ≠ who\\: claim about people with alcohol use disorder; study in mice" in texts(at)
    at.button(key="queue-mismatch-open").click().run()
    assert_ok(at)
    assert at.title[0].value == "Claim detail" and at.query_params.get("claim") == doc.claims[0].id

    # An editor who judges the trial to contradict its claim puts that claim on the worklist too.
    graph.set_stance(doc.claims[1].id, TRIAL_STUDY.id, stance=EditorStance.CONTRADICTS, by="ed")
    st.cache_data.clear()
    at = run(nav.QUEUE)
    worklist = next(f.value for f in at.dataframe if "mismatch" in f.value.columns)
    assert set(worklist["claim"]) == {doc.claims[0].text, doc.claims[1].text}


def test_the_worklist_says_when_there_is_nothing(graph: GraphStore) -> None:
    from factories import make_document

    graph.write_document(make_document())
    at = run(nav.QUEUE)
    assert "No cited claim here has a study that does not match it." in texts(at)


def test_the_correction_report_lists_the_mismatch_in_words(doc: Document) -> None:
    at = run(nav.QUEUE)
    at.selectbox(key="report-source").set_value(doc.source.id).run()
    assert_ok(at)
    report = next(c.value for c in at.code if c.value.startswith("# Correction report"))
    mouse = doc.claims[0].text
    assert mouse in report and doc.claims[1].text not in report  # the matching trial's claim is fine
    assert "cited study does not match" in report
    assert (
        "- The cited study does not match the claim: who: claim about people with alcohol use disorder; "
        "study in mice (study: Ketamine and ethanol preference in mice)"
    ) in report
    csv_body = next(b for b in at.download_button if b.label == "Download report (CSV)")
    assert csv_body

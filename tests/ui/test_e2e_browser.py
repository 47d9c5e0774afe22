"""The app in a real headless Chromium: `kb ui` serves it on a free loopback port.

A clinician checks the two sample articles through the page, opens the article view and a
claim; an editor flags the claim and finds it in the editor queue; a hostile article renders
as inert text (no dialog ever opens, no script or image from it reaches the DOM). Screenshots
of every page go to a scratch folder (KB_E2E_SCREENSHOTS=docs/screenshots refreshes the docs). Needs the Debian packages `chromium` and
`chromium-driver`; without /usr/bin/chromium these tests fail and say how to install it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from factories import EXAMPLES, MOUSE_STUDY, TRIAL_STUDY, example_documents, study_document, xss_document
from playwright.sync_api import Browser, Dialog, Frame, FrameLocator, Page, expect, sync_playwright

from kb.models import Document, EditorStance, EntityKind, Source
from kb.store import GraphStore
from ui.components.titles import display_title

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
# Screenshots go to a scratch folder, so a test run never rewrites the committed ones; set
# KB_E2E_SCREENSHOTS=docs/screenshots to refresh the docs' pictures on purpose.
SHOTS = Path(os.environ.get("KB_E2E_SCREENSHOTS") or tempfile.mkdtemp(prefix="kb-e2e-shots-"))
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
WAIT_MS = 120_000  # a check runs the whole pipeline; the first page load connects to the graph
# Assertions wait for a rerun to finish: on a busy two-core machine one can take more than
# Playwright's default five seconds.
expect.set_options(timeout=30_000)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _kb_ui(port: int) -> list[str]:
    return [sys.executable, "-m", "ui.cli", "ui", "--port", str(port), "--no-browser"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install it with `apt-get install -y chromium chromium-driver` "
            "(the e2e tests drive the app in a real browser)"
        )
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def app_url(store: GraphStore, kb_home: Path, tmp_path: Path) -> Iterator[str]:
    """`kb ui` on a free port with the test KB_HOME, offline; stopped (its process group) after."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "KB_"))}
    env.update({"KB_HOME": str(kb_home), "KB_OFFLINE": "true"})
    log = (tmp_path / "kb-ui.log").open("w")
    proc = subprocess.Popen(
        _kb_ui(port), cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc, tmp_path / "kb-ui.log")
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"`kb ui` exited with {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"`kb ui` did not answer within 90 s:\n{log.read_text()}")


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    p = context.new_page()
    p.set_default_timeout(WAIT_MS)
    dialogs: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    p.on("dialog", dismiss)
    p.dialogs = dialogs  # type: ignore[attr-defined]
    yield p
    context.close()
    assert dialogs == [], f"a dialog opened: {dialogs}"


def settle(page: Page) -> None:
    """Wait until Streamlit has finished the current run (its "Running…" widget is gone)."""
    page.wait_for_timeout(400)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=WAIT_MS)
    page.wait_for_timeout(400)


def shoot(page: Page, name: str) -> None:
    """A screenshot of the whole page (the main area scrolls inside the window, so grow the window)."""
    settle(page)
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('[data-testid=stMain], section')]"
        ".map(e => e.scrollHeight), 900)"
    )
    page.set_viewport_size({"width": 1400, "height": min(int(height) + 40, 2600)})
    page.wait_for_timeout(800)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))
    page.set_viewport_size({"width": 1400, "height": 1000})


def check_text(page: Page, store: GraphStore, text: str) -> None:
    """Paste an article, press Check, wait until it is in the graph and its report card shows."""
    before = store.counts().nodes["Source"]
    page.get_by_role("tab", name="Paste text").click()
    page.get_by_label("Article text").fill(text)
    page.get_by_role("button", name="Check text").click()
    wait_for_report(page, store, before)


def check_file(page: Page, store: GraphStore, path: Path) -> None:
    """Upload an article file, press Check, wait for its report card."""
    before = store.counts().nodes["Source"]
    page.get_by_role("tab", name="Upload files").click()
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    expect(page.get_by_role("button", name=f"Remove {path.name}")).to_be_visible()
    page.get_by_role("button", name="Check files").click()
    wait_for_report(page, store, before)


def wait_for_report(page: Page, store: GraphStore, before: int) -> None:
    deadline = time.monotonic() + WAIT_MS / 1000
    while store.counts().nodes["Source"] == before:
        assert time.monotonic() < deadline, "the check did not store the article"
        page.wait_for_timeout(250)
    title = display_title(store.get_source(store.list_sources()[0].id).source)
    expect(page.get_by_role("heading", name=f"Report card: {title}")).to_be_visible()
    settle(page)


def graph_frame(page: Page, n: int = 0) -> FrameLocator:
    return page.frame_locator("iframe[title*=cytoscape]").nth(n)


def _frame(page: Page, n: int = 0) -> Frame:
    frames = [f for f in page.frames if "cytoscape" in f.url]
    assert len(frames) > max(n, -n - 1), "no such graph view on the page"
    return frames[n]


def graph_nodes(page: Page, n: int = 0) -> list[str]:
    """The ids of the nodes the n-th graph view draws (read from Cytoscape itself)."""
    expect(graph_frame(page, n).locator("#cy canvas").first).to_be_attached()
    return _frame(page, n).evaluate("() => document.getElementById('cy')._cyreg.cy.nodes().map(n => n.id())")


def click_node(page: Page, node_id: str, n: int = 0) -> None:
    """A real mouse click on a node, where Cytoscape drew it; tried again while the view is
    still settling (it refits once it is in sight, which moves the node under the pointer)."""
    view = page.locator("iframe[title*=cytoscape]").nth(n)
    view.scroll_into_view_if_needed()
    for _ in range(8):
        page.wait_for_timeout(500)
        spot = _frame(page, n).evaluate(
            """(id) => { const cy = document.getElementById('cy')._cyreg.cy; const b = cy.getElementById(id)
            .renderedBoundingBox({includeLabels: false}); const r = document.getElementById('cy').getBoundingClientRect();
            return {x: r.left + (b.x1 + b.x2) / 2, y: r.top + (b.y1 + b.y2) / 2}; }""",
            node_id,
        )
        box = view.bounding_box()
        assert box is not None
        page.mouse.click(box["x"] + spot["x"], box["y"] + spot["y"])
        page.wait_for_timeout(300)
        chosen = _frame(page, n).evaluate(
            "() => document.getElementById('cy')._cyreg.cy.$(':selected').map(e => e.id())"
        )
        if chosen == [node_id]:
            return
    raise AssertionError(f"clicking {node_id} did not select it")


def tab_is_selected(page: Page, name: str) -> None:
    expect(page.get_by_role("tab", name=name, exact=True)).to_have_attribute("aria-selected", "true")


def test_check_articles_open_a_claim_flag_it_and_find_it_in_the_queue(
    page: Page, app_url: str, store: GraphStore
) -> None:
    page.goto(app_url)
    expect(page.get_by_role("heading", name="Check an article")).to_be_visible()
    first, second = sorted(EXAMPLES.glob("*.txt"))
    check_file(page, store, second)
    check_text(page, store, first.read_text(encoding="utf-8"))
    assert store.counts().nodes["Source"] == 2
    shoot(page, "check")

    page.get_by_role("button", name="Open the article with its claims highlighted").click()
    expect(page.get_by_role("heading", name="Article view")).to_be_visible()
    marks = page.locator(".kb-article mark")
    expect(marks.first).to_be_visible()
    source_id = page.evaluate("() => new URLSearchParams(location.search).get('source')")
    assert marks.count() == len(store.get_source(source_id).claims) > 0
    shoot(page, "article")

    page.get_by_role("button", name="Open claim detail").click()
    expect(page.get_by_role("heading", name="Claim detail")).to_be_visible()
    claim_id = page.evaluate("() => new URLSearchParams(location.search).get('claim')")
    claim_text = store.get_claim(claim_id).claim.text
    expect(page.get_by_text(claim_text).first).to_be_visible()
    shoot(page, "claim")

    page.get_by_role("tab", name="Editor").click()
    page.get_by_label("Note", exact=True).fill("No study is cited for this.")
    page.get_by_role("button", name="Flag claim").click()
    expect(page.get_by_text("Flagged as").first).to_be_visible()
    flags = store.get_claim(claim_id).flags
    assert len(flags) == 1 and flags[0].note == "No study is cited for this."

    page.get_by_role("link", name="Editor queue").click()
    expect(page.get_by_role("heading", name="Editor queue")).to_be_visible()
    settle(page)
    shoot(page, "queue")
    page.get_by_role("tab", name="Flags").click()
    expect(page.get_by_text(claim_text).first).to_be_visible()
    shoot(page, "queue-flags")

    page.get_by_role("link", name="Claims explorer").click()
    expect(page.get_by_role("heading", name="Claims explorer")).to_be_visible()
    expect(page.get_by_text(f"{store.list_claims().total} claims").first).to_be_visible()
    shoot(page, "claims")

    page.goto(f"{app_url}/graph?node={claim_id}")
    expect(page.get_by_role("heading", name="Graph explorer")).to_be_visible()
    assert claim_id in graph_nodes(page)
    page.get_by_role("tab", name="Cypher console").click()
    page.get_by_label("Query").fill("MATCH (c:Claim) DETACH DELETE c")
    page.get_by_role("button", name="Run query").click()
    expect(page.get_by_text("the console is read-only").first).to_be_visible()
    page.get_by_label("Query").fill("MATCH p = (s:Source)-[:HAS_CLAIM]->(c:Uncited) RETURN p LIMIT 12")
    page.get_by_role("button", name="Run query").click()
    expect(page.get_by_text("12 rows").first).to_be_visible()
    settle(page)
    assert len(graph_nodes(page, -1)) >= 12  # the paths, drawn in the same kind of graph view
    shoot(page, "console")

    page.get_by_role("link", name="Overview").click()
    expect(page.get_by_role("heading", name="Most repeated unsupported propositions")).to_be_visible()
    shoot(page, "overview")


def test_a_hostile_article_renders_inert(page: Page, app_url: str, store: GraphStore) -> None:
    doc = xss_document()
    store.write_document(doc)
    page.goto(f"{app_url}/article?source={doc.source.id}")
    expect(page.locator(".kb-article")).to_be_visible()
    settle(page)
    article = page.locator(".kb-article")
    expect(article).to_contain_text("<script>alert(1)</script>")
    expect(article).to_contain_text("<img src=x onerror=alert(1)>")
    assert page.locator(".kb-article script, .kb-article img").count() == 0
    scripts = page.eval_on_selector_all("script", "els => els.map(e => e.textContent)")
    assert not [s for s in scripts if "alert(" in s]
    assert page.locator('a[href^="javascript:" i]').count() == 0
    assert page.locator('img[src="x"]').count() == 0
    # CSS from the article neither hides the page nor lays a box over it
    expect(article).to_contain_text("<style>body{display:none}</style>")
    assert page.locator(".kb-article style, .kb-article div div").count() == 0
    assert page.evaluate("getComputedStyle(document.body).display") != "none"
    assert page.get_by_text("pay here", exact=True).count() == 0  # only inside the escaped markup
    shoot(page, "article-hostile")

    img_claim = next(c for c in doc.claims if "<img" in c.text)
    page.goto(f"{app_url}/claim?claim={img_claim.id}")
    expect(page.get_by_text("<img src=x onerror=alert(1)>").first).to_be_visible()
    settle(page)
    assert page.locator('img[src="x"]').count() == 0
    assert page.locator('a[href^="javascript:" i]').count() == 0
    page.get_by_role("tab", name="Graph").click()
    settle(page)
    assert page.locator('img[src="x"]').count() == 0
    # the graph view draws captions on a canvas; its side panel shows them as text
    assert img_claim.id in graph_nodes(page)
    click_node(page, img_claim.id)
    panel = graph_frame(page).locator("#infopanelProps")
    expect(panel).to_contain_text("<img src=x onerror=alert(1)>")
    assert graph_frame(page).locator("#infopanel img, #infopanel script, #infopanel a").count() == 0
    # URLs, www. names and e-mail addresses from the article stay text in Markdown
    assert page.locator('a[href*="evil.example"]').count() == 0
    expect(page.get_by_text("evil.example/pay", exact=False).first).to_be_visible()


def test_claim_evidence_links_out_and_keeps_candidates_apart(
    page: Page, app_url: str, store: GraphStore
) -> None:
    for doc in example_documents():
        store.write_document(doc)
    cited = next(r for r in store.list_claims(page_size=200).rows if r.citation_status == "cited")
    page.goto(f"{app_url}/claim?claim={cited.id}")
    expect(page.get_by_role("heading", name="Claim detail")).to_be_visible()
    page.get_by_role("tab", name="Evidence").click()
    expect(page.get_by_text("A made-up randomized trial of ketamine", exact=True)).to_be_visible()  # the card
    doi = page.locator('a[href^="https://doi.org/10.5555/kb.ui."]').first
    expect(doi).to_be_visible()
    assert doi.get_attribute("target") == "_blank"
    expect(page.locator('a[href^="https://pubmed.ncbi.nlm.nih.gov/9"]').first).to_be_visible()
    expect(page.get_by_text("Retracted").first).to_be_visible()
    shoot(page, "claim-evidence")

    candidate = next(r for r in store.list_claims(page_size=200).rows if store.get_claim(r.id).candidates)
    page.goto(f"{app_url}/claim?claim={candidate.id}")
    page.get_by_role("tab", name="Evidence").click()
    expect(page.get_by_text("Candidate evidence")).to_be_visible()
    expect(page.get_by_text("not cited by the article").first).to_be_visible()


def test_tabs_stay_where_the_user_works(page: Page, app_url: str, store: GraphStore) -> None:
    """A confirmation appearing or going away above the tabs does not send the user back to the
    first tab (issue 13: Editor queue → flag → Flags → "all"; console → explore → console)."""
    for doc in example_documents():
        store.write_document(doc)
    page.goto(f"{app_url}/queue")
    expect(page.get_by_role("heading", name="Editor queue")).to_be_visible()
    settle(page)
    page.get_by_role("button", name="Flag claim").click()
    expect(page.get_by_text("Flagged as").first).to_be_visible()
    settle(page)
    page.get_by_role("tab", name="Flags", exact=True).click()
    settle(page)
    page.get_by_text("all", exact=True).click()  # the confirmation above goes away on this run
    settle(page)
    tab_is_selected(page, "Flags")
    expect(page.get_by_label("Flag and its history")).to_be_visible()

    page.goto(f"{app_url}/graph")
    settle(page)
    page.get_by_role("tab", name="Cypher console", exact=True).click()
    page.get_by_label("Query").fill("MATCH p = (s:Source)-[:HAS_CLAIM]->(c:Claim) RETURN p LIMIT 5")
    page.get_by_role("button", name="Run query").click()
    expect(page.get_by_text("5 rows").first).to_be_visible()
    page.get_by_role("button", name="Explore this graph").click()
    settle(page)
    tab_is_selected(page, "Explore")  # on purpose: the result opens in the explorer's view
    page.get_by_role("tab", name="Cypher console", exact=True).click()
    page.get_by_label("Query").fill("MATCH (c:Claim) RETURN c.text AS text LIMIT 3")
    page.get_by_role("button", name="Run query").click()
    settle(page)
    tab_is_selected(page, "Cypher console")
    expect(page.get_by_text("3 rows").first).to_be_visible()


def test_graph_explorer_pans_clicks_expands_and_hides_in_place(
    page: Page, app_url: str, store: GraphStore
) -> None:
    for doc in example_documents():
        store.write_document(doc)
    ketamine = next(e.id for e in store.entities(EntityKind.INTERVENTION) if e.name == "ketamine")
    page.goto(f"{app_url}/graph?node={ketamine}")
    expect(page.get_by_role("heading", name="Graph explorer")).to_be_visible()
    settle(page)
    first = graph_nodes(page)
    assert ketamine in first and 1 < len(first) <= 50  # one hop, at most 50 nodes
    captions = _frame(page).evaluate(
        "() => document.getElementById('cy')._cyreg.cy.nodes().map(n => n.style('label'))"
    )
    assert all(captions), "a node is drawn without its caption"
    hub = first[1]  # the most connected neighbour comes first
    click_node(page, hub)
    panel = graph_frame(page).locator("#infopanelProps")
    expect(panel).to_contain_text(hub)  # its properties
    graph_frame(page).locator("#nodeActionsExpand").click()  # expand in place
    settle(page)
    deadline = time.monotonic() + WAIT_MS / 1000
    while len(expanded := graph_nodes(page)) <= len(first):
        assert time.monotonic() < deadline, "expanding added no node"
        page.wait_for_timeout(250)
    assert set(first) <= set(expanded)
    click_node(page, hub)  # the expanded node, with its properties beside the view
    shoot(page, "graph")
    page.get_by_role("button", name="Claim", exact=True).click()  # hide a type
    settle(page)
    remaining = graph_nodes(page)
    assert remaining and not [n for n in remaining if n.startswith("clm_")]


def test_an_editor_records_a_stance_and_sees_the_grade_change(
    page: Page, app_url: str, store: GraphStore
) -> None:
    """The claim beside its study (issue 15): the side-by-side table, the Article view's mark, the
    worklist; an editor judges a cited trial to contradict its claim and the grade drops at once,
    on the tab the editor is on."""
    doc = study_document()
    store.write_document(doc)
    mouse, trial = (
        next(c.claim_id for c in doc.citations if c.work_id == w.id) for w in (MOUSE_STUDY, TRIAL_STUDY)
    )

    page.goto(f"{app_url}/claim?claim={mouse}")
    expect(page.get_by_role("heading", name="Claim detail")).to_be_visible()
    page.get_by_role("tab", name="Evidence", exact=True).click()
    table = page.locator(".kb-comparison table").first
    expect(table).to_be_visible()
    expect(table).to_contain_text("claim about people with alcohol use disorder; study in mice")
    assert page.locator(".kb-comparison tr.kb-mismatch").count() == 4
    shoot(page, "claim-study")

    page.goto(f"{app_url}/article?source={doc.source.id}&claim={mouse}")
    expect(page.locator(".kb-article")).to_be_visible()
    expect(page.locator(f'.kb-article mark[data-claim="{mouse}"][data-mismatch="true"]')).to_be_visible()
    assert page.locator('.kb-article mark[data-mismatch="true"]').count() == 1
    expect(page.locator(".kb-legend")).to_contain_text("the cited study does not match the claim")
    shoot(page, "article-mismatch")

    before = store.get_claim(trial).claim.grade
    page.goto(f"{app_url}/claim?claim={trial}")
    expect(page.get_by_role("heading", name="Claim detail")).to_be_visible()
    settle(page)
    page.get_by_role("textbox", name="Your name").fill("Dr. Ana Reviewer")
    page.get_by_role("textbox", name="Your name").press("Enter")
    settle(page)
    page.get_by_role("tab", name="Evidence", exact=True).click()
    expect(page.get_by_text(f"Why “{before.value}”")).to_be_visible()
    page.get_by_text("👎 contradicts", exact=True).click()
    page.get_by_label("Note on the stance").fill("Its follow-up found no lasting effect.")
    page.get_by_role("button", name="Record stance").click()
    expect(page.get_by_text("Stance “contradicts” recorded by Dr. Ana Reviewer").first).to_be_visible()
    settle(page)
    after = store.get_claim(trial)
    assert after.claim.grade != before
    stance = next(s.stance for s in after.studies if s.work.id == TRIAL_STUDY.id)
    assert (
        stance is not None and stance.stance is EditorStance.CONTRADICTS and stance.by == "Dr. Ana Reviewer"
    )
    tab_is_selected(page, "Evidence")  # the editor stays where they work
    expect(page.get_by_text(f"Why “{after.claim.grade.value}”")).to_be_visible()  # the new grade, shown
    expect(page.get_by_text(f"Why “{before.value}”")).to_have_count(0)
    page.get_by_text("Stance history (1)").click()
    expect(page.get_by_text("Editor’s stance").first).to_be_visible()
    expect(page.get_by_text("by Dr. Ana Reviewer", exact=False).first).to_be_visible()
    shoot(page, "claim-stance")

    page.get_by_role("link", name="Editor queue").click()
    expect(page.get_by_role("heading", name="Editor queue")).to_be_visible()
    settle(page)
    page.get_by_role("tab", name="Cited, but the study does not match", exact=True).click()
    settle(page)
    expect(
        page.get_by_text("≠ who: claim about people with alcohol use disorder; study in mice")
    ).to_be_visible()
    shoot(page, "queue-mismatch")
    page.get_by_role("button", name="Open claim detail").click()
    expect(page.get_by_role("heading", name="Claim detail")).to_be_visible()


def test_the_editor_name_is_kept_by_the_browser(browser: Browser, app_url: str, store: GraphStore) -> None:
    for doc in example_documents():
        store.write_document(doc)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        first = context.new_page()
        first.set_default_timeout(WAIT_MS)
        first.goto(f"{app_url}/queue")
        settle(first)
        first.get_by_role("textbox", name="Your name").fill("Dr. Ada Reviewer")
        first.get_by_role("textbox", name="Your name").press("Enter")
        settle(first)
        first.wait_for_function("() => document.cookie.includes('kb_editor=')")  # the browser keeps it
        first.close()
        again = context.new_page()  # a new browser session, the same browser
        again.set_default_timeout(WAIT_MS)
        again.goto(f"{app_url}/queue")
        settle(again)
        expect(again.get_by_role("textbox", name="Your name")).to_have_value("Dr. Ada Reviewer")
        again.get_by_role("button", name="Flag claim").click()
        expect(again.get_by_text("Flagged as").first).to_be_visible()
        flags = store.list_flags()
        assert [f.flag.created_by for f in flags] == ["Dr. Ada Reviewer"]
    finally:
        context.close()
    other = browser.new_context()  # someone else's browser does not get the name
    try:
        stranger = other.new_page()
        stranger.set_default_timeout(WAIT_MS)
        stranger.goto(f"{app_url}/queue")
        settle(stranger)
        expect(stranger.get_by_role("textbox", name="Your name")).to_have_value("")
    finally:
        other.close()


def test_every_page_on_an_article_without_claims(page: Page, app_url: str, store: GraphStore) -> None:
    text = "Opening hours\n\nWe are open Monday to Friday, from nine to five.\n"
    empty = Document(
        source=Source(key="file:hours.txt", locator="hours.txt", text=text, title="Opening hours")
    )
    store.write_document(empty)
    for path, heading in [
        (f"/article?source={empty.source.id}", "Article view"),
        ("/claims", "Claims explorer"),
        ("/queue", "Editor queue"),
        (f"/graph?node={empty.source.id}", "Graph explorer"),
        ("/overview", "Overview"),
        ("/claim", "Claim detail"),
    ]:
        page.goto(f"{app_url}{path}")
        expect(page.get_by_role("heading", name=heading).first).to_be_visible()
        settle(page)
        assert page.get_by_test_id("stException").count() == 0, path
    page.goto(f"{app_url}/article?source={empty.source.id}")
    expect(page.get_by_text("No checkable health claims were found").first).to_be_visible()
    page.goto(app_url)
    check_text(
        page, store, "Opening hours\n\nWe are open Monday to Friday, from nine to five, and on Saturday."
    )
    expect(page.get_by_text("No checkable health claim was found").first).to_be_visible()
    shoot(page, "check-no-claims")

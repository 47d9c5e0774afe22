"""The learned claim finder on pages of shapes the rule detector missed (ingest/claimfinder.py).

The pages here are written for these tests (made-up products, no real study): a nootropic no
lexicon knows, a stem-cell clinic's result sentences, a Markdown page with a numbered benefit
list, a page with nothing to find. What the finder keeps is decided by the committed model,
so the tests check behaviour a user relies on, not exact probabilities.
"""

from __future__ import annotations

from ingest.claimfeatures import Context, normalized_words, sentence_features, subject_kind
from ingest.claimfinder import LearnedClaimDetector, _fallback_atoms, sentence_table
from ingest.claimmodel import ClaimModel, default_model
from ingest.cues import detect_cues
from ingest.extract import extract
from ingest.pipeline import analyse
from ingest.sentences import split_sentences
from ingest.topic import page_topic
from kb.models import Claim

NOOTROPIC = """Zorvexam: What the Research Says

Zorvexam is a nootropic compound sold as a memory supplement.

Studies have shown that Zorvexam can improve verbal memory in older adults.
In a small trial, participants who took Zorvexam recalled more words after four weeks.
Zorvexam is also said to sharpen focus within an hour.

Order Zorvexam today and get free shipping.
"""

STEM_CELLS = """Stem Cell Therapy for Knee Arthritis

Our regenerative clinic is open Monday to Saturday.

In a study of 30 patients, all patients showed statistically significant improvements in pain and function at 12 months.
Stem cell therapy has very high success rates, at 74%.
Symptoms can be reduced within weeks.

Call us today to book your consultation.
"""

MARKDOWN = """# Quellora Drops

#### Benefits of Quellora

1. **Reduces inflammation** in sore joints.
2. **Improves sleep quality** for most users.
3. **Boosts energy** without caffeine.

Quellora drops are made in small batches.
"""

NOTHING = """Contact Us

Our office is open Monday to Friday, 9 to 5.

Call 555-0100 or write to the front desk to book a visit.
"""


def claims_of(text: str, content_type: str = "text/plain") -> list[Claim]:
    extracted = extract(text.encode(), content_type)
    return analyse(
        extracted, key="text:test", locator="test", detector=LearnedClaimDetector()
    ).document.claims


def texts(claims: list[Claim]) -> list[str]:
    return [c.text for c in claims]


def test_a_treatment_no_lexicon_knows_is_still_found() -> None:
    found = texts(claims_of(NOTHING.replace("Contact Us", "x") + "\n\n" + NOOTROPIC))
    assert "Studies have shown that Zorvexam can improve verbal memory in older adults." in found
    assert not any("Order Zorvexam today" in t for t in found)
    claim = next(c for c in claims_of(NOOTROPIC) if "verbal memory" in c.text)
    assert claim.cues.boosters and claim.cues.attribution == "vague"
    assert claim.atoms and claim.atoms[0].intervention.lower() == "zorvexam"


def test_result_sentences_whose_subject_is_the_patients_are_claims() -> None:
    found = texts(claims_of(STEM_CELLS))
    assert any(t.startswith("In a study of 30 patients, all patients showed") for t in found)
    assert "Stem cell therapy has very high success rates, at 74%." in found
    assert not any("book your consultation" in t for t in found)


def test_a_markdown_benefit_list_gives_one_claim_per_item_without_its_marks() -> None:
    claims = claims_of(MARKDOWN, "text/markdown")
    found = texts(claims)
    assert "Reduces inflammation in sore joints." in found
    assert "Boosts energy without caffeine." in found
    assert not any("*" in t or "#" in t for t in found)
    atoms = [a for c in claims for a in c.atoms]
    assert atoms and all(a.intervention.lower().startswith("quellora") for a in atoms)


def test_a_page_with_nothing_to_find_gives_no_claim() -> None:
    assert claims_of(NOTHING) == []


def test_the_page_topic_comes_from_its_own_words() -> None:
    sentences = split_sentences(NOOTROPIC)
    assert page_topic(sentences, sentences[0].text).main == "Zorvexam"
    stem = split_sentences(STEM_CELLS)
    assert page_topic(stem, stem[0].text).main == "stem cell"  # the pair, not "stem"


def test_same_text_same_claims() -> None:
    first, second = claims_of(STEM_CELLS), claims_of(STEM_CELLS)
    assert [(c.id, c.confidence, c.atoms) for c in first] == [(c.id, c.confidence, c.atoms) for c in second]


def test_confidence_is_the_models_probability_and_the_threshold_decides() -> None:
    _, rows, _ = sentence_table(NOOTROPIC)
    model = default_model()
    kept = {c.start: c.confidence for c in LearnedClaimDetector().detect(NOOTROPIC, "src_x")}
    for row in rows:
        p = model.probability(row.features)
        assert (row.sentence.start in kept) == (p >= model.threshold)
        if row.sentence.start in kept:
            assert kept[row.sentence.start] == round(p, 2)
    # a model that keeps nothing keeps nothing
    never = ClaimModel(weights={}, bias=-30.0, threshold=0.5)
    assert LearnedClaimDetector(never).detect(NOOTROPIC, "src_x") == []


def test_features_are_named_and_the_topic_is_one_token() -> None:
    sentences = split_sentences(NOOTROPIC)
    topic = page_topic(sentences, sentences[0].text)
    s = next(s for s in sentences if s.text.startswith("Studies have shown"))
    features = sentence_features(s, Context(topic, None, None, False, False, 0.5))
    assert features["topic"] == 1.0 and features["vague"] == 1.0 and features["booster"] == 1.0
    assert "<topic>" in normalized_words(s.text, topic) and "zorvexam" not in normalized_words(s.text, topic)


def test_a_paragraph_too_long_to_read_whole_is_announced() -> None:
    text = "Zorvexam improves memory in adults. " * 700  # one 25,000-character line
    analysis = analyse(extract(text.encode(), "text/plain"), key="text:long", locator="long.txt")
    assert analysis.cut is not None and "20,000 characters" in analysis.cut


BODY_FACTS = """Vitrelle Light Therapy (VLT)

What is Lumenol?
Lumenol is a hormone the body makes. Low lumenol levels are common after fifty.

How VLT Helps
VLT can restore lumenol levels and improve energy within weeks.

Benefits of VLT include:
Better sleep.
Sharper focus.
"""


def _rows(text: str) -> dict[str, dict[str, float]]:
    _, rows, _ = sentence_table(text)
    return {r.sentence.text: r.features for r in rows}


def test_who_the_main_clause_is_about() -> None:
    topic = page_topic(split_sentences("Lumenol. Lumenol. Lumenol works."), "Lumenol")
    assert subject_kind("However, as we age, our lumenol levels naturally decline.", topic) == (
        "topic_quantity",
        True,
    )
    assert subject_kind("Lumenol restores energy.", topic)[0] == "topic"
    assert subject_kind("Reduces inflammation.", topic)[0] == "none"
    assert subject_kind("In one small trial, most patients slept better.", topic)[0] == "result"
    assert subject_kind("People with insomnia often wake at night.", topic)[0] == "people"
    assert subject_kind("Chronic inflammation damages the joints.", topic)[0] == "health"
    assert subject_kind("It is common for adults to sleep less.", topic)[0] == "expletive"


def test_a_defined_acronym_of_the_topic_is_a_topic_term() -> None:
    sentences = split_sentences(BODY_FACTS)
    topic = page_topic(sentences, sentences[0].text)
    assert "vlt" in topic.terms and topic.mentioned_in("VLT works fast.")


def test_section_list_and_body_quantity_features() -> None:
    rows = _rows(BODY_FACTS)
    # the section about the hormone never names the treatment; the one about VLT does
    assert rows["Lumenol is a hormone the body makes."].get("section_without_topic") == 1.0
    assert (
        rows["VLT can restore lumenol levels and improve energy within weeks."].get("section_without_topic")
        == 0.0
    )
    # a list item belongs with the line that introduces it
    assert rows["Better sleep."]["paragraph_without_topic"] == 0.0
    assert rows["VLT can restore lumenol levels and improve energy within weeks."]["atoms"] == 1.0


def test_a_numbered_line_over_a_paragraph_reads_as_a_heading() -> None:
    page = "1. Calms the Mind\nThe drops are taken at night and are said to calm the mind in minutes.\n"
    assert _rows(page)["Calms the Mind"].get("line_over_prose") == 1.0


def test_what_it_is_for_splits_lists_and_never_names_a_person() -> None:
    def outcomes(text: str) -> list[str]:
        return [a.outcome for a in _fallback_atoms(text, "kelpa")]

    assert outcomes("Kelpa also contains collagen, which is great for skin and hair.") == ["skin", "hair"]
    assert outcomes("Kelpa is a prebiotic for your gut.") == ["gut"]
    assert outcomes("Kelpa is a great option for anyone.") == []
    assert outcomes(
        "It is beneficial for older men who may be experiencing muscle loss, also known as X."
    ) == ["muscle loss"]


def test_research_leaned_on_without_a_name_is_vague() -> None:
    for sentence in (
        "Although trials are few, there have been several studies showing it helps.",
        "There has been a recent surge of research showing just that.",
        "A trial, published in the “Sleep Medicine” journal, showed deeper sleep.",
        "It's been studied across many tissues.",
    ):
        assert detect_cues(sentence).attribution == "vague", sentence
    assert detect_cues("It has been shown to help.").attribution is None  # plain "has been shown"

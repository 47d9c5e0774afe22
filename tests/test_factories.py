"""The sample builders of tests/factories.py make what the tests assume of them."""

from __future__ import annotations

from factories import example_documents, make_document, xss_document


def test_example_documents_have_claims_with_true_spans() -> None:
    docs = example_documents()
    assert len(docs) == 2
    for doc in docs:
        assert len(doc.claims) >= 5
        assert any(c.citation_status == "cited" for c in doc.claims)
        assert len(doc.assessments) == len(doc.claims)  # every claim graded, as the store requires
        for c in doc.claims:
            assert doc.source.text[c.start : c.end] == c.text


def test_xss_document_puts_the_payloads_inside_claims() -> None:
    doc = xss_document()
    claimed = " ".join(c.text for c in doc.claims)
    assert "<img src=x onerror=alert(1)>" in claimed and "javascript:alert(1)" in claimed
    assert "<script>alert(1)</script>" in doc.source.text
    assert "<style>body{display:none}</style>" in claimed and "position:fixed" in claimed


def test_make_document_is_graded_by_the_rubric() -> None:
    doc = make_document()
    grades = {a.claim_id: (a.grade.value, a.overclaim) for a in doc.assessments}
    assert [grades[c.id] for c in doc.claims] == [("none", True), ("very low", False), ("none", False)]

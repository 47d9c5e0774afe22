from __future__ import annotations

import pytest
from factories import make_document
from pydantic import ValidationError

from kb.models import Claim, Document, Entity, EntityKind, Source, Work


def test_ids_are_content_derived_and_stable() -> None:
    a, b = make_document(), make_document()
    assert a.source.id == b.source.id
    assert [c.id for c in a.claims] == [c.id for c in b.claims]
    assert a.source.id.startswith("src_") and a.claims[0].id.startswith("clm_")


def test_changed_text_is_a_new_source_version_with_the_same_key() -> None:
    a = make_document()
    b = make_document(text=a.source.text + "\nUpdated.")
    assert a.source.key == b.source.key
    assert a.source.id != b.source.id


def test_entity_ids_ignore_case() -> None:
    assert (
        Entity(kind=EntityKind.INTERVENTION, name="Ketamine").id
        == Entity(kind=EntityKind.INTERVENTION, name="ketamine").id
    )


def test_work_id_from_key() -> None:
    assert Work(key="doi:10.5555/X").id == Work(key="doi:10.5555/x").id


def test_claim_span_must_be_ordered() -> None:
    with pytest.raises(ValidationError, match="before start"):
        Claim(source_id="src_x", text="x", start=5, end=2)


def test_document_rejects_spans_outside_the_text() -> None:
    source = Source(key="k", locator="k", text="short")
    claim = Claim(source_id=source.id, text="too long", start=0, end=50)
    with pytest.raises(ValidationError, match="past the source text"):
        Document(source=source, claims=[claim])


def test_document_rejects_citations_to_unknown_claims() -> None:
    doc = make_document()
    data = doc.model_dump()
    data["citations"][0]["claim_id"] = "clm_nope"
    with pytest.raises(ValidationError, match="outside this document"):
        Document.model_validate(data)


def test_round_trip_through_json() -> None:
    doc = make_document()
    again = Document.model_validate_json(doc.model_dump_json())
    assert again == doc

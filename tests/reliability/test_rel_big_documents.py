"""Documents far larger than an article: thousands of claims still land whole, in one transaction.

Found by a review: a document of about 2,000 claims failed with "Query heap budget exceeded"
(the embedded engine buffered n² claims for a document of n; kb/cypher.py explains).
"""

from __future__ import annotations

import time

import pytest

from benchmarks import synthetic
from kb.errors import StoreError
from kb.store import GraphStore
from kb.write_plan import ROWS_PER_STATEMENT, document_statements

CLAIMS = 5000  # 3,000 already failed with the engine's largest default heap (2g)


def test_a_document_of_thousands_of_claims_lands_whole(store: GraphStore) -> None:
    doc = synthetic.document(1, claims=CLAIMS)
    began = time.perf_counter()
    assert store.write_document(doc).created
    print(f"{CLAIMS} claims written in {time.perf_counter() - began:.1f} s")
    nodes = store.counts().nodes
    assert nodes["Source"] == 1 and nodes["Claim"] == CLAIMS
    assert nodes["Assessment"] == len(doc.assessments)
    assert store.check() == {}


def test_a_big_document_is_still_all_or_nothing(store: GraphStore) -> None:
    """Its claims go in several statements of one transaction: a failure in a late one leaves
    nothing of the document."""
    doc = synthetic.document(2, claims=2 * ROWS_PER_STATEMENT + 10)
    claims = [s for s, p in document_statements(doc) if "claims" in p["rows"][0]]
    assert len(claims) >= 3  # the claims are cut into pieces
    # the last claim again: the claim id constraint fails in the last piece, after the others ran
    broken = doc.model_copy(update={"claims": [*doc.claims, doc.claims[-1]]})
    with pytest.raises(StoreError):
        store.write_document(broken)
    assert all(n == 0 for n in store.counts().nodes.values())

"""The store's write path: batched `UNWIND $rows` statements against one statement per row.

    python -m benchmarks.writes_bench --documents 50 [--json out.json]

Both sides write the same made-up documents (benchmarks/synthetic.py) with the store's own
statements (`kb.write_plan.batch_statements`), each into an emptied graph of one embedded engine,
one transaction per batch of `--batch` documents:

- batched: each statement once per transaction, with every row of the batch;
- per row: the same statements, run once for each row (`rows` holding that one row; a claim
  with its edges, a listed work, an entity...), in the same transactions;
- one transaction per row: the same per-row statements, each committed on its own (how a naive
  loader writes).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from neo4j import Transaction

from benchmarks.synthetic import documents
from kb import engine
from kb.settings import Settings
from kb.store import GraphStore
from kb.write_plan import batch_statements

Statements = list[tuple[str, dict[str, Any]]]


def _units(row: dict[str, Any]) -> list[dict[str, Any]]:
    """A row of the claim or listed-work statements is a document holding many claims or works:
    one unit each (a claim comes with its own edges and assessment)."""
    for key in ("claims", "work_ids"):
        if key in row:
            return [{**row, key: [item]} for item in row[key]]
    return [row]


def _per_row(statements: Statements) -> Statements:
    return [
        (statement, {"rows": [unit]})
        for statement, params in statements
        for row in params["rows"]
        for unit in _units(row)
    ]


def _run(tx: Transaction, statements: Statements) -> None:
    for statement, params in statements:
        tx.run(statement, params).consume()


def _write(store: GraphStore, batches: list[Statements]) -> float:
    began = time.perf_counter()
    for statements in batches:
        store.write(lambda tx: _run(tx, statements))  # noqa: B023 (called at once)
    return time.perf_counter() - began


def run(n_documents: int = 50, *, batch: int = 10, claims: int = 20) -> dict[str, Any]:
    docs = list(documents(0, n_documents, claims))
    batched = [batch_statements(docs[i : i + batch]) for i in range(0, len(docs), batch)]
    rows = sum(len(_units(row)) for statements in batched for _, p in statements for row in p["rows"])
    results: dict[str, float] = {}
    per_row = [_per_row(b) for b in batched]
    own_tx = [[statement] for statements in per_row for statement in statements]
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(home=Path(tmp), offline=True)
        store = GraphStore.connect(settings)
        try:
            for name, shape in (("batched", batched), ("per_row", per_row), ("per_row_tx", own_tx)):
                store.reset()  # each variant writes the same data into an empty graph
                results[name] = _write(store, shape)
        finally:
            store.close()
            engine.stop(settings)
    return {
        "documents": n_documents,
        "rows": rows,
        "statements_batched": sum(len(b) for b in batched),
        "batched_s": round(results["batched"], 3),
        "per_row_s": round(results["per_row"], 3),
        "batched_rows_per_s": round(rows / results["batched"], 1),
        "per_row_rows_per_s": round(rows / results["per_row"], 1),
        "per_row_tx_s": round(results["per_row_tx"], 3),
        "speedup": round(results["per_row"] / results["batched"], 1),
        "speedup_tx": round(results["per_row_tx"] / results["batched"], 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--documents", type=int, default=50)
    ap.add_argument("--batch", type=int, default=10, help="documents per transaction")
    ap.add_argument("--json", type=Path, help="Also write the numbers to this file.")
    args = ap.parse_args()
    r = run(args.documents, batch=args.batch)
    print(json.dumps(r, indent=2))
    if args.json:
        args.json.write_text(json.dumps(r, indent=2))


if __name__ == "__main__":
    main()

"""benchmarks/citations_train.py on a made-up shared folder: each kind of citation sorted right."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.citations_train import main

PAGE = """Zorblax infusions reduce fatigue in adults (Marrow et al., Arch Fict Med. 2020;7(2):101-112).
Zorblax tablets ease restless legs in adults (PMID: 912345621).
Zorblax lifts mood in adults, a study found (Grabski et al., 2022).
Zorblax patches heal burns in children [4].
"""


def test_counts_identifiers_queries_and_the_rest_with_reasons(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = tmp_path / "eval" / "train" / "docs"
    docs.mkdir(parents=True)
    (docs / "z1_zorblax.txt").write_text(PAGE, encoding="utf-8")
    (docs.parent / "SOURCES.tsv").write_text("z1_zorblax.txt\thttps://zorblax.example/\n", encoding="utf-8")
    out = tmp_path / "verdicts.json"
    assert main(["--shared", str(tmp_path), "--json", str(out)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith("citations_train: docs: 1 pages (1 with citations), 4 citations")
    assert (
        "2 yield an identifier or a query (50%) = 1 identifier + 1 query (1 locator, 0 bibliographic)"
        in printed[0]
    )
    assert printed[0].endswith("; 2 neither")
    assert any("'(Grabski et al., 2022)'" in line and "only an author and a year" in line for line in printed)
    assert any("'[4]'" in line and "no reference list" in line for line in printed)
    verdicts = {v["text"]: (v["verdict"], v["route"]) for v in json.loads(out.read_text())}
    assert verdicts["(Marrow et al., Arch Fict Med. 2020;7(2):101-112)"] == ("query", "locator")
    assert verdicts["PMID: 912345621"] == ("identifier", "pmid")


def test_a_missing_folder_is_one_line_and_a_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--shared", str(tmp_path)]) == 1
    assert "no pages found" in capsys.readouterr().out

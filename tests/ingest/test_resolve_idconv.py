"""NCBI PMC ID converter: PMCID -> PMID and DOI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fake_services import fake_services, fixture, lookup_settings, make_lookup
from httpserver import LocalServer

from ingest.resolve import idconv
from ingest.resolve.errors import MalformedResponse


def test_parses_a_record_with_a_numeric_pmid() -> None:
    record = idconv.parse_idconv(json.loads(fixture("idconv/PMC9999002.json")))
    assert record is not None
    assert (record.pmcid, record.pmid, record.doi) == ("PMC9999002", "912345602", "10.5555/kb.rct.001")


def test_an_error_record_is_none() -> None:
    assert idconv.parse_idconv(json.loads(fixture("idconv/PMC9999404.json"))) is None


@pytest.mark.parametrize("payload", [{"status": "error", "message": "bad", "records": []}, {}, []])
def test_an_unexpected_body_is_malformed(payload: object) -> None:
    with pytest.raises(MalformedResponse):
        idconv.parse_idconv(payload)


def test_the_client_sends_format_json_and_the_ncbi_tool(tmp_path: Path) -> None:
    with LocalServer(handlers=fake_services()) as server:
        record = idconv.convert(make_lookup(server, lookup_settings(tmp_path)), "PMC9999002")
    assert record is not None and record.pmid == "912345602"
    assert (
        "ids=PMC9999002" in server.seen[0]
        and "format=json" in server.seen[0]
        and "tool=evidence-kb" in server.seen[0]
    )

"""NCBI's PMC ID converter: a PMCID's PMID and DOI (and back).

    GET {idconv}/?ids=PMC9999001&format=json   ->  {"status": "ok", "records": [
        {"requested-id": "PMC9999001", "pmcid": "PMC9999001", "pmid": 912345602, "doi": "10.5555/..."}]}

An identifier the converter does not know comes back as a record with `"status": "error"` and an
`errmsg`: that is `None` (the converter only knows articles in PubMed Central).
"""

from __future__ import annotations

from typing import Any

from ingest.resolve.base import Lookup
from ingest.resolve.errors import MalformedResponse
from ingest.resolve.records import Record
from ingest.resolve.text import doi_or_none, pmcid_or_none, pmid_or_none

__all__ = ["convert", "parse_idconv"]

SERVICE = "idconv"
LIMITER_KEY = "ncbi"


def convert(lookup: Lookup, identifier: str) -> Record | None:
    """The identifiers PMC links to one PMCID, PMID or DOI; None when it knows none."""
    params = {"ids": identifier, "format": "json"} | lookup.ncbi_params()
    payload = lookup.get_json(LIMITER_KEY, f"{lookup.endpoints.idconv}/", params)
    return None if payload is None else parse_idconv(payload)


def parse_idconv(payload: Any) -> Record | None:
    if not isinstance(payload, dict) or not isinstance(payload.get("records"), list):
        raise MalformedResponse("the PMC ID converter answered without 'records'")
    if payload.get("status", "ok") != "ok":
        raise MalformedResponse(f"the PMC ID converter refused the request: {payload.get('message', '')}")
    for item in payload["records"]:
        if not isinstance(item, dict) or item.get("status") == "error" or item.get("errmsg"):
            continue
        record = Record(
            service=SERVICE,
            pmcid=pmcid_or_none(item.get("pmcid")),
            pmid=pmid_or_none(item.get("pmid")),
            doi=doi_or_none(item.get("doi")),
        )
        if record.pmcid or record.pmid or record.doi:
            return record
    return None

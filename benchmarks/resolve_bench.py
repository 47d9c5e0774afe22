"""Resolver throughput against a local server: works per second for DOIs and PMIDs, caching off.

    python benchmarks/resolve_bench.py [--works 200] [--workers 1 4 8]

The server (tests/fake_services.py) answers any fake DOI 10.5555/bench.N or PMID 91xxxxxxx / 92xxxxxxx from
the saved fixtures, so this measures the resolver's own cost (HTTP round trips on loopback,
parsing, merging, classification), not the services' latency or their rate limits.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]  # the project first: tests/kb and tests/ingest must not shadow kb and ingest
sys.path.append(str(ROOT / "tests"))

from fake_services import fixture, json_reply  # noqa: E402
from httpserver import LocalServer, Reply, Request  # noqa: E402

from ingest.http import make_session  # noqa: E402
from ingest.resolve import Endpoints, RateLimiter, resolve_works  # noqa: E402
from kb.models import Work, WorkStatus  # noqa: E402
from kb.settings import Settings  # noqa: E402

CROSSREF = json.loads(fixture("crossref/work_rct.json"))
OPENALEX = json.loads(fixture("openalex/work_rct.json"))
ARTICLE = re.search(rb"<PubmedArticle>.*</PubmedArticle>", fixture("pubmed/efetch_912345602.xml"), re.S)
assert ARTICLE is not None


def _pmid_for(doi: str) -> str:
    return str(920_000_000 + int(doi.rsplit(".", 1)[1]))


def crossref_work(req: Request) -> Reply:
    doi = req.path.removeprefix("/crossref/works/")
    body = json.loads(json.dumps(CROSSREF))
    body["message"]["DOI"] = doi
    return json_reply(body)


def openalex_work(req: Request) -> Reply:
    doi = req.path.removeprefix("/openalex/works/doi:")
    body = dict(OPENALEX, doi=f"https://doi.org/{doi}")
    body["ids"] = {"openalex": OPENALEX["id"], "pmid": f"https://pubmed.ncbi.nlm.nih.gov/{_pmid_for(doi)}"}
    return json_reply(body)


def efetch(req: Request) -> Reply:
    assert ARTICLE is not None
    articles = [
        ARTICLE.group().replace(b"912345602", pmid.encode()) for pmid in req.query.get("id", "").split(",")
    ]
    body = b'<?xml version="1.0" ?>\n<PubmedArticleSet>\n' + b"\n".join(articles) + b"\n</PubmedArticleSet>\n"
    return Reply(body=body, content_type="text/xml; charset=UTF-8")


def run(count: int, workers: int, server: LocalServer, home: Path) -> tuple[float, float, float]:
    settings = Settings(home=home, http_timeout=10.0)
    session = make_session(settings, allow_private=True, cache=False)
    endpoints = Endpoints.under(server.url())
    dois = [Work(key=f"doi:10.5555/bench.{i}", doi=f"10.5555/bench.{i}") for i in range(count)]
    pmids = [Work(key=f"pmid:{910_000_000 + i}", pmid=str(910_000_000 + i)) for i in range(count)]
    timings = []
    for works in (dois, pmids):
        started = time.perf_counter()
        done = resolve_works(
            works,
            session,
            settings,
            rate_limiter=RateLimiter.unlimited(),
            endpoints=endpoints,
            workers=workers,
        )
        timings.append(time.perf_counter() - started)
        assert all(w.status is WorkStatus.RESOLVED for w in done), [w.unresolved_reason for w in done][:3]
    session.close()
    total = sum(timings)
    return count / timings[0], count / timings[1], 2 * count / total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--works", type=int, default=200, help="DOIs and PMIDs each (default 200)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 4, 8])
    args = parser.parse_args()
    routes = {
        "/crossref/works/*": crossref_work,
        "/openalex/works/*": openalex_work,
        "/eutils/efetch.fcgi": efetch,
    }
    with LocalServer(handlers=routes) as server, tempfile.TemporaryDirectory() as home:
        run(10, 1, server, Path(home))  # warm up imports and the connection pool
        print(
            f"{args.works} DOIs (Crossref + OpenAlex + PubMed) and {args.works} PMIDs (PubMed), caching off"
        )
        print(f"{'workers':>8} {'DOI works/s':>12} {'PMID works/s':>13} {'all works/s':>12}")
        for workers in args.workers:
            doi_rate, pmid_rate, overall = run(args.works, workers, server, Path(home))
            print(f"{workers:>8} {doi_rate:>12.1f} {pmid_rate:>13.1f} {overall:>12.1f}")
        print(f"requests served: {sum(server.hits.values())}")


if __name__ == "__main__":
    main()

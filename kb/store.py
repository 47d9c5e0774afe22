"""The graph store: the one object that runs statements on the graph.

`GraphStore` is *given* a graph's drivers (`kb.drivers.Graph`); `connect()` opens them from the
settings. Its requests are bounded in time, retried on a conflict and report driver errors as
one `StoreError` line (`kb.transactions`); it keeps costly reads until the graph changes
(`kb.readcache`), hands researchers' queries to the console runner (`kb.console_runner`) and
checks the graph's invariants. What editors write (flags, candidate decisions, stances) and
their worklist of mismatched studies are in `kb.editing`, a mixin of the store. Every statement
comes from `kb.cypher`, values go in as parameters only; what writing documents sends is
`kb.write_plan`, and `kb.rows` turns stored properties into models and views.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from neo4j import Transaction

from kb import cypher, ids, views, write_plan
from kb.console_runner import ConsoleRunner
from kb.drivers import Graph, open_graph
from kb.editing import Editing, citation_from_row
from kb.errors import NotFound
from kb.models import (
    Assessment,
    Citation,
    CitationStatus,
    Claim,
    Document,
    Entity,
    EntityKind,
    Grade,
    Work,
    WorkStatus,
    timestamp,
)
from kb.readcache import ReadCache
from kb.rows import (
    assessment_row,
    claim_from_properties,
    entity_from_properties,
    flag_from_properties,
    graph_node,
    known,
    stance_from_edge,
    study_from_edge,
    work_from_properties,
    work_properties,
)
from kb.settings import Settings
from kb.stances import carry_stances
from kb.transactions import Row, Transactions, single
from kb.views import ClaimDetail, ClaimFilter, ClaimPage, ClaimRow, ConsoleResult, Counts, Subgraph

T = TypeVar("T")

# Up to the first 50 pages of each claims list (and of the editor queue) are kept until the graph
# changes (kb/readcache.py); later pages are read as they are asked for.
KEPT_ROWS = 2500
RESET_BATCH = 5000  # nodes deleted per transaction by `reset`


@dataclass(frozen=True)
class WriteResult:
    source_id: str
    created: bool  # False when this exact version was already in the graph


class GraphStore(Editing):
    def __init__(self, graph: Graph, *, settings: Settings):
        """`graph.driver` writes and reads for kb; `graph.console_driver` is logged in as the
        read-only user researchers' console queries run as (kb/console_runner.py)."""
        self._graph = graph
        self._tx = Transactions(graph, settings)
        self.kept_reads = ReadCache()  # sorted ids and counts, until the graph changes
        self._console = ConsoleRunner(
            graph.console_driver,
            database=graph.database,
            settings=settings,
            errors=self._tx.errors,
            terminate=self._terminate_marked,
        )

    @classmethod
    def connect(cls, settings: Settings) -> GraphStore:
        """The configured graph, its schema made sure of."""
        store = cls(open_graph(settings), settings=settings)
        store.ensure_schema()
        return store

    @property
    def graph(self) -> Graph:
        """The drivers this store runs on (a store of another class, or under other settings, can
        share them: `GraphStore(store.graph, settings=...)`)."""
        return dataclasses.replace(self._graph, driver=self._tx.driver)

    @property
    def where(self) -> str:
        return self._graph.where

    @property
    def console_login(self) -> str:
        return self._graph.console_login

    def with_settings(self, settings: Settings) -> GraphStore:
        """The same graph and drivers under other settings (console limits, say); close the
        original, not this one."""
        return GraphStore(self.graph, settings=settings)

    def close(self) -> None:
        if self._graph.console_driver is not self._graph.driver:
            self._graph.console_driver.close()
        self._tx.driver.close()

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- requests (kb/transactions.py) ---------------------------------------------------------

    def read(self, statement: str, **params: Any) -> list[Row]:
        """Run one read statement of `kb.cypher`; its records as dicts."""
        return self._tx.read(statement, **params)

    def write(self, work: Callable[[Transaction], T]) -> T:
        """Run `work` in one write transaction, retried whole on a conflict (`Transactions.write`)."""
        return self._tx.write(work)

    def _run(self, statement: str, **params: Any) -> None:
        """Write with one statement."""
        self.write(lambda tx: tx.run(statement, params).consume())

    # --- schema -----------------------------------------------------------------------------

    def ensure_schema(self) -> int:
        """Create constraints and indexes (idempotent) and record the schema version."""
        with self._tx.session() as (session, watchdog):
            for statement in cypher.SCHEMA_STATEMENTS:
                watchdog.arm()
                session.run(statement).consume()
        self._run(cypher.SET_SCHEMA_VERSION, version=cypher.SCHEMA_VERSION, now=timestamp())
        if self.read(cypher.RESET_PENDING):  # a `kb reset` was killed half-way: finish it
            self._finish_reset()
        return cypher.SCHEMA_VERSION

    def unknown_schema(self) -> list[str]:
        """Constraints and indexes in the graph that kb's schema does not define. The indexes a
        constraint owns, and Neo4j's built-in label and type lookups, are not extra."""
        constraints = self.read(cypher.SHOW_CONSTRAINTS)
        extra = [f"constraint {r['name']}" for r in constraints if r["name"] not in cypher.SCHEMA_NAMES]
        owned = {r["name"] for r in constraints}
        for r in self.read(cypher.SHOW_INDEXES):
            if r["name"] in cypher.SCHEMA_NAMES or r.get("owningConstraint") in owned:
                continue
            if str(r.get("type", "")).upper() != "LOOKUP":
                extra.append(f"index {r['name']}")
        return extra

    def schema_version(self) -> int | None:
        rows = self.read(cypher.GET_SCHEMA_VERSION)
        return int(rows[0]["version"]) if rows else None

    # --- writing documents ------------------------------------------------------------------

    def write_document(self, doc: Document) -> WriteResult:
        """Write a whole graded document in one transaction; all of it or none of it lands.

        Whether the version is already there is asked inside that transaction, so when two
        writers race on one document the loser's retry finds it and writes nothing.
        """
        return self.write_documents([doc])[0]

    def write_documents(self, docs: list[Document]) -> list[WriteResult]:
        """Write graded documents in one transaction (a bulk load): all of them or none lands.

        Each statement runs once for the whole batch (`kb.write_plan`). Versions already in the
        graph are skipped, asked inside the transaction; two versions of one article in the same
        call go in one after the other, a batch each."""
        created: dict[str, bool] = {}
        pending = list({d.source.id: d for d in docs}.values())
        while pending:
            batch: list[Document] = []
            later: list[Document] = []
            keys: set[str] = set()
            for doc in pending:
                (later if doc.source.key in keys else batch).append(doc)
                keys.add(doc.source.key)
            created.update(self.write(lambda tx: _write_new(tx, batch)))  # noqa: B023 (called at once)
            pending = later
        results = []
        for doc in docs:  # a document given twice is created once
            results.append(WriteResult(doc.source.id, created=created.pop(doc.source.id, False)))
        return results

    def write_assessments(self, assessments: list[Assessment]) -> None:
        if assessments:
            self._run(cypher.SET_ASSESSMENTS, rows=[assessment_row(a) for a in assessments])

    # --- evidence ---------------------------------------------------------------------------

    def works_by_status(self, statuses: list[WorkStatus], *, after: str = "", limit: int = 200) -> list[Work]:
        """Works in the given states, by id after `after` (keyset paging: resumable)."""
        rows = self.read(
            cypher.LIST_WORKS_BY_STATUS, statuses=[s.value for s in statuses], after=after, limit=limit
        )
        return [work_from_properties(r["work"]) for r in rows]

    def update_works(self, works: list[Work]) -> None:
        if works:
            self._run(cypher.UPDATE_WORKS, rows=[w.model_dump(mode="json") for w in works])

    def claims_citing(self, work_ids: list[str]) -> list[str]:
        return [r["id"] for r in self.read(cypher.CLAIMS_CITING_WORKS, ids=work_ids)]

    def claims_page(self, *, after: str = "", limit: int = 500) -> list[Claim]:
        rows = self.read(cypher.CLAIMS_PAGE, after=after, limit=limit)
        return [claim_from_properties(r["claim"]) for r in rows]

    def claims_by_id(self, ids: list[str]) -> list[Claim]:
        return [claim_from_properties(r["claim"]) for r in self.read(cypher.CLAIMS_BY_ID, ids=ids)]

    def claim_evidence(self, claim_ids: list[str]) -> tuple[list[Citation], list[Work]]:
        """The CITES and CANDIDATE edges of these claims, as citations (with an editor's current
        stance), and the works they reach."""
        citations, works = [], {}
        for r in self.read(cypher.CLAIM_EVIDENCE, ids=claim_ids):
            work = work_from_properties(r["work"])
            works[work.id] = work
            citations.append(citation_from_row(r, work.id))
        return citations, list(works.values())

    def add_candidates(self, works: list[Work], citations: list[Citation]) -> None:
        """Store literature-search hits as CANDIDATE edges, apart from what the article cites."""
        if not citations:
            return

        def work(tx: Transaction) -> None:
            tx.run(cypher.MERGE_WORKS, rows=[work_properties(w) for w in works]).consume()
            tx.run(cypher.MERGE_CANDIDATES, rows=[c.model_dump(mode="json") for c in citations]).consume()

        self.write(work)

    # --- reading, kept until the graph changes ---------------------------------------------------

    def generation(self) -> int:
        """A number that changes whenever anyone writes to the graph (see kb/readcache.py)."""
        return int(self.read(cypher.GRAPH_GENERATION)[0]["n"])

    def forget_kept_reads(self) -> None:
        """Drop every kept result, so the next read of each reads the graph (as after a write)."""
        self.kept_reads.clear()

    def _kept(self, generation: int, statement: str, column: str, **params: Any) -> Any:
        """`column` of the one row `statement` returns, read once per generation of the graph."""
        return self.kept_reads.get(
            (statement, _frozen(params)), generation, lambda: self.read(statement, **params)[0][column]
        )

    def _kept_ids(
        self, generation: int, statement: str, start: int, end: int, **params: Any
    ) -> list[str] | None:
        """Ids `start` to `end` of the sorted list `statement` returns, from a kept prefix of it, or
        None when the page is better read on its own (`ReadCache.page`)."""
        return self.kept_reads.page(
            (statement, _frozen(params)),
            generation,
            start,
            end,
            load=lambda n: self.read(statement, keep=n, **params)[0]["ids"],
            most=KEPT_ROWS,
        )

    def _claim_rows(self, ids: list[str]) -> list[ClaimRow]:
        """The claims with these ids, in this order (one index lookup each)."""
        if not ids:
            return []
        rows = {r["claim"]["id"]: r["claim"] for r in self.read(cypher.CLAIM_ROWS_BY_ID, ids=ids)}
        return [known(ClaimRow, rows[i]) for i in ids if i in rows]

    def counts(self) -> Counts:
        counts: Counts = self.kept_reads.get("counts", self.generation(), self._counts)  # kept like the lists
        return counts

    def node_counts(self) -> dict[str, int]:
        """Nodes per label, never kept: label counts cost the engine no read of the nodes, so
        this is cheap at any size (`counts()` adds the per-status and per-grade counts)."""
        nodes = self.read(cypher.COUNT_NODES)[0]
        labels = {label.lower(): label for label in (*cypher.NODE_LABELS, "Uncited")}
        return {labels[k]: int(v) for k, v in nodes.items()}

    def _counts(self) -> Counts:
        node_counts = self.node_counts()
        claims, uncited = node_counts.get("Claim", 0), node_counts.get("Uncited", 0)
        vague = self.read(cypher.COUNT_CLAIMS_WITH_STATUS, status=CitationStatus.VAGUE.value)[0]["n"]
        by_status = {
            CitationStatus.CITED.value: claims - uncited,
            CitationStatus.VAGUE.value: vague,
            CitationStatus.MISSING.value: uncited - vague,
        }
        grades = [g.value for g in Grade]
        by_grade = {r["grade"]: r["n"] for r in self.read(cypher.COUNT_CLAIMS_WITH_GRADES, grades=grades)}
        return Counts(
            nodes=node_counts,
            claims_by_status={k: v for k, v in by_status.items() if v},
            claims_by_grade={k: v for k, v in by_grade.items() if v},
        )

    def list_claims(self, flt: ClaimFilter | None = None, *, page: int = 0, page_size: int = 50) -> ClaimPage:
        """One page of the claims the filter selects, worst first, with their total. The total and
        a prefix of the sorted ids (up to `KEPT_ROWS`) are kept until the graph changes, so paging
        and reading the list again cost one id lookup per row instead of a sort of every claim."""
        params = (flt or ClaimFilter()).params()
        variant = cypher.claims_variant(params)
        generation = self.generation()
        total = self._kept(generation, cypher.COUNT_CLAIMS_BY[variant], "n", **params)
        skip = page * page_size
        ids = self._kept_ids(generation, cypher.CLAIM_IDS_BY[variant], skip, skip + page_size, **params)
        if ids is not None:
            rows = self._claim_rows(ids)
        else:  # a page far down the list: read on its own, and kept itself
            statement = cypher.LIST_CLAIMS_BY[variant]
            found = self.kept_reads.get(
                (statement, _frozen({**params, "skip": skip, "limit": page_size})),
                generation,
                lambda: self.read(statement, skip=skip, limit=page_size, **params),
            )
            rows = [known(ClaimRow, r["claim"]) for r in found]
        return ClaimPage(rows=rows, total=total, page=page, page_size=page_size)

    def editor_queue(
        self,
        *,
        source_id: str | None = None,
        include_flagged: bool = False,
        page: int = 0,
        page_size: int = 50,
    ) -> list[ClaimRow]:
        skip = page * page_size
        if source_id is None:  # kept like the claims lists
            ids = self._kept_ids(
                self.generation(),
                cypher.EDITOR_QUEUE_IDS,
                skip,
                skip + page_size,
                include_flagged=include_flagged,
            )
            if ids is not None:
                return self._claim_rows(ids)
        rows = self.read(
            cypher.EDITOR_QUEUE if source_id is None else cypher.EDITOR_QUEUE_OF_SOURCE,
            source_id=source_id,
            include_flagged=include_flagged,
            skip=skip,
            limit=page_size,
        )
        return [known(ClaimRow, r["claim"]) for r in rows]

    def top_unsupported_propositions(self, limit: int = 10) -> list[views.UnsupportedProposition]:
        """Propositions stated without a citation by the most sources (it reads every uncited
        claim, so it is kept like the dashboard counts)."""
        statement = cypher.TOP_UNSUPPORTED_PROPOSITIONS
        rows = self.kept_reads.get(
            (statement, limit), self.generation(), lambda: self.read(statement, limit=limit)
        )
        return [known(views.UnsupportedProposition, r) for r in rows]

    # --- reading -----------------------------------------------------------------------------

    def list_sources(
        self, *, latest_only: bool = True, page: int = 0, page_size: int = 50
    ) -> list[views.SourceRow]:
        rows = self.read(cypher.LIST_SOURCES, latest_only=latest_only, skip=page * page_size, limit=page_size)
        return [known(views.SourceRow, r["source"]) for r in rows]

    def get_source(self, source_id: str) -> views.SourceView:
        rows = self.read(cypher.GET_SOURCE, id=source_id)
        if not rows:
            raise NotFound(f"no source with id {source_id}; list them with `kb sources`")
        source = known(views.SourceRecord, rows[0]["source"])
        claims = [known(ClaimRow, r["claim"]) for r in self.read(cypher.SOURCE_CLAIMS, id=source_id)]
        versions = [
            known(views.SourceVersion, r["version"])
            for r in self.read(cypher.SOURCE_VERSIONS, key=source.key)
        ]
        return views.SourceView(source=source, claims=claims, versions=versions)

    def uncited_claims(self, *, page: int = 0, page_size: int = 100) -> list[views.ClaimRef]:
        """Claims that cite nothing, worst first."""
        rows = self.read(cypher.LIST_UNCITED, skip=page * page_size, limit=page_size)
        return [known(views.ClaimRef, r["claim"]) for r in rows]

    def get_claim(self, claim_id: str) -> ClaimDetail:
        rows = self.read(cypher.GET_CLAIM, id=claim_id)
        if not rows:
            raise NotFound(f"no claim with id {claim_id}")
        cited = [
            views.CitedWork(
                kind=r["kind"],
                edge=known(views.CitationEdge, r["edge"]),
                work=work_from_properties(r["work"]),
            )
            for r in self.read(cypher.CLAIM_CITATIONS, id=claim_id)
        ]
        propositions = [
            views.PropositionView(
                proposition=known(views.PropositionRef, r["proposition"]),
                others=[known(views.OtherClaim, o) for o in r["others"]],
            )
            for r in self.read(cypher.CLAIM_PROPOSITIONS, id=claim_id)
        ]
        flags = [
            flag_from_properties(r["flag"], r["history"]) for r in self.read(cypher.CLAIM_FLAGS, id=claim_id)
        ]
        citations = [c for c in cited if c.kind == "CITES"]
        candidates = [c for c in cited if c.kind == "CANDIDATE"]
        studies = [
            views.ClaimStudy(
                work=c.work,
                candidate=c.kind == "CANDIDATE",
                comparison=study_from_edge(c.work.id, c.edge.model_dump()).comparison,
                stance=stance_from_edge(claim_id, c.work.id, c.edge.model_dump()),
            )
            for c in [*citations, *(c for c in candidates if c.edge.accepted)]
        ]
        return ClaimDetail(
            claim=known(ClaimRow, rows[0]["claim"]),
            source=known(views.SourceRecord, rows[0]["source"]),
            citations=citations,
            candidates=candidates,
            propositions=propositions,
            flags=flags,
            studies=studies,
        )

    def entities(self, kind: EntityKind | None = None, limit: int = 500) -> list[Entity]:
        found = self.read(cypher.ENTITIES, kind=kind.value if kind else None, limit=limit)
        return [entity_from_properties(r["entity"]) for r in found]

    def neighbourhood(self, node_id: str, *, hops: int = 2, limit: int = 200) -> Subgraph:
        """Nodes within `hops` of a node, breadth first, at most `limit` nodes."""
        start = self._node(node_id)
        nodes: dict[str, views.GraphNode] = {start.id: start}
        edges: dict[tuple[str, str, str], views.GraphEdge] = {}
        frontier, truncated = [start.id], False
        for _ in range(hops):
            next_frontier: list[str] = []
            for nid in frontier:
                for r in self.read(cypher.NEIGHBOURS_BY_LABEL[_label_of(nid)], id=nid, limit=limit):
                    node = r["node"]
                    if not node.get("id"):
                        continue
                    edge = views.GraphEdge(
                        start=r["start"], end=r["end"], type=r["type"], provenance=r["provenance"]
                    )
                    if node["id"] not in nodes:
                        if len(nodes) >= limit:
                            truncated = True
                            continue
                        nodes[node["id"]] = graph_node(node)
                        next_frontier.append(node["id"])
                    edges[(edge.start, edge.type, edge.end)] = edge
            frontier = next_frontier
        return Subgraph(nodes=list(nodes.values()), edges=list(edges.values()), truncated=truncated)

    def _node(self, node_id: str) -> views.GraphNode:
        rows = self.read(cypher.GET_NODE_BY_LABEL[_label_of(node_id)], id=node_id)
        if not rows:
            raise NotFound(f"no node with id {node_id}")
        return graph_node(rows[0]["node"])

    # --- the read-only console --------------------------------------------------------------

    def run_console(self, query: str, params: dict[str, Any] | None = None) -> ConsoleResult:
        """Run a user's query as the read-only console user (kb/console_runner.py): refused if it
        could write, always rolled back, cut to `console_row_limit` rows, `console_max_bytes` and
        `console_timeout` seconds."""
        return self._console.run(query, params)

    def _terminate_marked(self, marker: str) -> None:
        """Stop, with the store's own rights, the running transactions whose query holds `marker`."""
        with self._tx.session() as (session, _):
            running = session.run(cypher.SHOW_TRANSACTIONS).data()
            ids = [r["transactionId"] for r in running if marker in str(r.get("currentQuery") or "")]
            if ids:
                session.run(cypher.TERMINATE_TRANSACTIONS, ids=ids).consume()

    # --- integrity and maintenance ----------------------------------------------------------

    def check(self, limit: int = 20) -> dict[str, list[str]]:
        """Every broken invariant with up to `limit` example ids; {} when the graph is sound."""
        problems: dict[str, list[str]] = {}
        checks = {
            **cypher.CHECKS,
            **{f"duplicate {label} ids": q for label, q in cypher.DUPLICATE_IDS_BY_LABEL.items()},
        }
        for name, statement in checks.items():
            ids = [str(r["id"]) for r in self.read(statement, limit=limit)]
            if ids:
                problems[name] = ids
        if extra := self.unknown_schema():
            problems["constraints and indexes kb does not define (docs/engine.md)"] = extra[:limit]
        return problems

    def reset(self) -> int:
        """Delete every node and relationship, in batches so memory stays bounded; the write log
        and the schema version stay. The reset is marked pending first and unmarked last, so one
        killed half-way is finished by the next connection (`ensure_schema`)."""
        self._run(cypher.MARK_RESET, at=timestamp())
        return self._finish_reset()

    def _finish_reset(self) -> int:
        deleted = 0
        while n := self.write(lambda tx: single(tx, cypher.DELETE_BATCH, limit=RESET_BATCH)["n"]):
            deleted += n
        self._run(cypher.UNMARK_RESET)
        return deleted


def _frozen(params: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    """Statement parameters as a cache key."""
    return tuple(sorted(params.items(), key=lambda kv: kv[0]))


def _label_of(node_id: str) -> str:
    label = ids.label_of(node_id)
    if label is None:
        raise NotFound(f"'{node_id}' is not a knowledge-base id (they look like clm_…, src_…, wrk_…)")
    return label


def _write_new(tx: Transaction, docs: list[Document]) -> dict[str, bool]:
    """Write the documents whose version is not in the graph yet; which ones were written."""
    existing = {r["id"] for r in tx.run(cypher.FIND_SOURCES, ids=[d.source.id for d in docs]).data()}
    new = [d for d in docs if d.source.id not in existing]
    earlier: dict[str, list[Row]] = {}
    if new:  # a new version keeps the editors' stances of the one before (kb/stances.py)
        for r in tx.run(cypher.EARLIER_STANCES, keys=sorted({d.source.key for d in new})).data():
            earlier.setdefault(r["key"], []).append(r)
    new = [carry_stances(d, earlier[d.source.key]) if d.source.key in earlier else d for d in new]
    propositions = sorted({p.id for d in new for p in d.propositions})
    known = (
        {r["id"] for r in tx.run(cypher.FIND_PROPOSITIONS, ids=propositions).data()}
        if propositions
        else set()
    )
    for statement, params in write_plan.batch_statements(new, known):
        tx.run(statement, params).consume()
    return {d.source.id: d.source.id not in existing for d in docs}

"""Every Cypher statement of the project, as constants. Values only ever go in as parameters.

Statements are plain Cypher 5 that both Neo4j 5 and ArcadeDB's Bolt endpoint accept; the test
suite lints every upper-case string constant of this module with Neo4j's language service
(tests/kb/test_cypher_lint.py), so a new statement is linted as soon as it is added here.

Why some shapes look the way they do:
- writes are `UNWIND $rows AS row MERGE ... ON CREATE SET` so one round trip writes a whole
  batch and repeating it changes nothing;
- lists of maps cannot be node properties in Neo4j, so a claim's atoms are stored as JSON text;
- a claim with no citation carries the extra label `Uncited`, so `MATCH (c:Uncited)` finds every
  unsupported claim without a computed property;
- timestamps are ISO-8601 UTC strings: portable across engines and sortable as text.
"""

from __future__ import annotations

from pydantic import BaseModel

from kb import ids
from kb.views import ClaimRef, ClaimRow, SourceRecord, SourceRow, SourceVersion

SCHEMA_VERSION = 2  # 2: editors' stances and the claim beside its study (docs/graph-model.md)


def _map(var: str, view: type[BaseModel]) -> str:
    """`var {.a, .b, ...}`: the properties a read model (`kb.views`) has fields for, no others."""
    return var + " {" + ", ".join("." + name for name in view.model_fields) + "}"


# Every read of claims returns these properties as `claim`: what `kb.views.ClaimRow` holds (a
# claim's own properties among them, so it is also what re-grading reads back).
_claim_row = _map("c", ClaimRow) + " AS claim"

SCHEMA_STATEMENTS: tuple[str, ...] = (
    "CREATE CONSTRAINT source_id IF NOT EXISTS FOR (n:Source) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT claim_id IF NOT EXISTS FOR (n:Claim) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT proposition_id IF NOT EXISTS FOR (n:Proposition) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT work_id IF NOT EXISTS FOR (n:Work) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT assessment_id IF NOT EXISTS FOR (n:Assessment) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT flag_id IF NOT EXISTS FOR (n:Flag) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT flag_event_id IF NOT EXISTS FOR (n:FlagEvent) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT stance_event_id IF NOT EXISTS FOR (n:StanceEvent) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT meta_key IF NOT EXISTS FOR (n:Meta) REQUIRE n.key IS UNIQUE",
    "CREATE INDEX source_key IF NOT EXISTS FOR (n:Source) ON (n.key)",
    "CREATE INDEX source_ingested IF NOT EXISTS FOR (n:Source) ON (n.ingested_at)",
    "CREATE INDEX claim_source IF NOT EXISTS FOR (n:Claim) ON (n.source_id)",
    "CREATE INDEX claim_status IF NOT EXISTS FOR (n:Claim) ON (n.citation_status)",
    "CREATE INDEX claim_grade IF NOT EXISTS FOR (n:Claim) ON (n.grade)",
    "CREATE INDEX claim_rank IF NOT EXISTS FOR (n:Claim) ON (n.rank)",
    "CREATE INDEX entity_name IF NOT EXISTS FOR (n:Entity) ON (n.name)",
    "CREATE INDEX work_key IF NOT EXISTS FOR (n:Work) ON (n.key)",
    "CREATE INDEX work_status IF NOT EXISTS FOR (n:Work) ON (n.status)",
    "CREATE INDEX flag_status IF NOT EXISTS FOR (n:Flag) ON (n.status)",
)

# The names SCHEMA_STATEMENTS give, and every index and constraint in the graph: one kb did not
# make (an extra unique constraint makes ingest fail) is reported at startup and by `kb check`.
SCHEMA_NAMES = frozenset(statement.split()[2] for statement in SCHEMA_STATEMENTS)
SHOW_CONSTRAINTS = "SHOW CONSTRAINTS"
SHOW_INDEXES = "SHOW INDEXES"

# A query that touches no data: whether the server answers at all (`kb engine status`).
PING = "RETURN 1 AS ok"

GET_SCHEMA_VERSION = "MATCH (m:Meta {key: 'schema'}) RETURN m.version AS version"

SET_SCHEMA_VERSION = """
MERGE (m:Meta {key: 'schema'})
SET m.version = $version, m.updated_at = $now
"""

# --- writing one document (all in one transaction, in this order) ---------------------------

# Every write statement takes `$rows` (one map per node or edge), so the same statement writes
# one document or a batch of many (`GraphStore.write_documents`): one round trip per statement.
# A batch never holds two versions of one article (the store splits such batches).
MERGE_SOURCE = """
UNWIND $rows AS row
MERGE (s:Source {id: row.id})
ON CREATE SET s += row, s.is_latest = true
WITH s, row
OPTIONAL MATCH (old:Source {key: row.key})
WHERE old.id <> row.id AND old.is_latest = true
SET old.is_latest = false
WITH s, old
WHERE old IS NOT NULL
MERGE (s)-[r:SUPERSEDES]->(old)
ON CREATE SET r.provenance = 'ingest'
"""

FIND_SOURCES = """
UNWIND $ids AS sid
MATCH (s:Source {id: sid})
RETURN s.id AS id
"""

FIND_PROPOSITIONS = """
UNWIND $ids AS pid
MATCH (p:Proposition {id: pid})
RETURN p.id AS id
"""

MERGE_ENTITIES = """
UNWIND $rows AS row
MERGE (e:Entity {id: row.id})
ON CREATE SET e.kind = row.kind, e.name = row.name, e.synonyms = row.synonyms
ON MATCH SET e.synonyms = e.synonyms + [x IN row.synonyms WHERE NOT x IN e.synonyms]
"""

# Only the propositions the graph does not hold yet (the store asks FIND_PROPOSITIONS in the same
# transaction): most of a document's propositions were stated before, and merging them again
# with their two edges was a third of the cost of writing a claim. Two writers creating the
# same new proposition conflict on the id constraint and the loser is retried, finding it.
CREATE_PROPOSITIONS = """
UNWIND $rows AS row
MATCH (i:Entity {id: row.intervention_id})
MATCH (o:Entity {id: row.outcome_id})
CREATE (p:Proposition {id: row.id, effect: row.effect, text: row.text})
CREATE (p)-[:INTERVENTION {provenance: 'extractor'}]->(i)
CREATE (p)-[:OUTCOME {provenance: 'extractor'}]->(o)
"""

# A proposition's id leaves the population out, so a known proposition may gain one: merged.
LINK_POPULATIONS = """
UNWIND $rows AS row
MATCH (p:Proposition {id: row.id})
MATCH (e:Entity {id: row.population_id})
MERGE (p)-[r:POPULATION]->(e)
ON CREATE SET r.provenance = 'extractor'
"""

# Claims belong to exactly one source version and are written only with it (the store skips a
# version that is already there), so they and their edges are CREATEd, not MERGEd: cheaper, and
# a concurrent writer of the same version fails on the id constraint and retries instead of
# duplicating. Each row is one document: its source is looked up once, then each claim is
# created with its grade (`claim`), its Assessment (`assessment`), the propositions it states
# and the works it cites, while the claim is at hand. Looking each new
# claim up again by id for every edge, and rewriting it to set its grade, cost more the larger
# the graph (docs/performance.md). Propositions and works are written before the claims.
# Two statements because a label must be set when the node is created: the embedded engine
# rejects adding a label to a node created earlier in the same transaction.
# Only the source and the claim's own row go past the UNWIND (`WITH s, row`): the embedded
# engine buffers every row before it writes, and a row that still held its document held all of
# the document's claims, so a document of n claims buffered n² of them ("Query heap budget
# exceeded" for 1,500 made-up claims with a 512m heap). The store also sends at most
# `kb.write_plan.ROWS_PER_STATEMENT` claims per statement, so what one statement buffers is bounded.
_claims_of_each_document = """
UNWIND $rows AS doc
MATCH (s:Source {id: doc.source_id})
WITH s, doc.claims AS claims
UNWIND claims AS row
WITH s, row
"""
_claim_with_its_edges = """
SET c = row.claim
CREATE (s)-[:HAS_CLAIM {provenance: 'extractor'}]->(c)
CREATE (c)-[:ASSESSED {provenance: 'rubric'}]->(a:Assessment)
SET a = row.assessment
WITH c, row
CALL (c, row) {
  UNWIND row.proposition_ids AS pid
  MATCH (p:Proposition {id: pid})
  CREATE (c)-[:STATES {provenance: 'extractor'}]->(p)
}
"""

# A CITES edge also holds what grading read of its work (the claim beside its study, as JSON:
# `kb.rows.study_edge_properties`) and an editor's stance a new version of the page keeps
# (`kb.stances`); a null leaves the property unset.
CREATE_CITED_CLAIMS = (
    _claims_of_each_document
    + "CREATE (c:Claim)"
    + _claim_with_its_edges
    + """CALL (c, row) {
  UNWIND row.citations AS cite
  MATCH (w:Work {id: cite.work_id})
  CREATE (c)-[r:CITES {id: cite.id, provenance: cite.provenance, text: cite.text}]->(w)
  SET r.comparison_json = cite.comparison_json, r.directness_json = cite.directness_json,
      r.mismatch_count = cite.mismatch_count,
      r.stance = cite.stance, r.stance_by = cite.stance_by, r.stance_at = cite.stance_at,
      r.stance_note = cite.stance_note, r.stance_id = cite.stance_id
}
"""
)

CREATE_UNCITED_CLAIMS = _claims_of_each_document + "CREATE (c:Claim:Uncited)" + _claim_with_its_edges

# A work another article already brought in is kept as it is, unless this document carries a
# resolved version of a work the graph only has pending or unresolved.
MERGE_WORKS = """
UNWIND $rows AS row
MERGE (w:Work {id: row.id})
ON CREATE SET w += row
WITH w, row
WHERE row.status = 'resolved' AND w.status <> 'resolved'
SET w += row
"""

# --- evidence: resolving works, grading, candidates -------------------------------------------

LIST_WORKS_BY_STATUS = """
MATCH (w:Work)
WHERE w.status IN $statuses AND w.id > $after
RETURN w {.*} AS work
ORDER BY w.id
LIMIT $limit
"""

# `row` carries every field, nulls included, so a stale unresolved_reason is removed.
UPDATE_WORKS = """
UNWIND $rows AS row
MATCH (w:Work {id: row.id})
SET w += row
"""

CLAIMS_CITING_WORKS = """
UNWIND $ids AS wid
MATCH (c:Claim)-[:CITES|CANDIDATE]->(:Work {id: wid})
RETURN DISTINCT c.id AS id
"""

# Keyset paging (id > $after) so re-grading a million claims never skips or repeats one.
CLAIMS_PAGE = f"""
MATCH (c:Claim)
WHERE c.id > $after
WITH c
ORDER BY c.id
LIMIT $limit
RETURN {_claim_row}
"""

CLAIMS_BY_ID = f"""
UNWIND $ids AS cid
MATCH (c:Claim {{id: cid}})
RETURN {_claim_row}
"""

# The edge whole: it carries an editor's stance (which grading follows) and what grading last
# read of the work (the comparison, which the store re-grades from when a stance is set).
CLAIM_EVIDENCE = """
UNWIND $ids AS cid
MATCH (c:Claim {id: cid})-[r:CITES|CANDIDATE]->(w:Work)
RETURN c.id AS claim_id, type(r) = 'CANDIDATE' AS candidate, coalesce(r.accepted, false) AS accepted,
       r.provenance AS provenance, r.text AS text, r {.*} AS edge, w {.*} AS work
"""

ACCEPT_CANDIDATE = """
MATCH (c:Claim {id: $claim_id})-[r:CANDIDATE]->(w:Work {id: $work_id})
SET r.accepted = $accepted, r.decided_by = $by, r.decided_at = $at
RETURN c.id AS id
"""

MERGE_CANDIDATES = """
UNWIND $rows AS row
MATCH (c:Claim {id: row.claim_id})
MATCH (w:Work {id: row.work_id})
MERGE (c)-[r:CANDIDATE {id: row.id}]->(w)
ON CREATE SET r.provenance = row.provenance, r.text = row.text, r.accepted = row.accepted
"""

# One row per document, new in this transaction like its claims.
CREATE_LISTED_WORKS = """
UNWIND $rows AS doc
MATCH (s:Source {id: doc.source_id})
UNWIND doc.work_ids AS wid
MATCH (w:Work {id: wid})
CREATE (s)-[:LISTS {provenance: 'reference_list'}]->(w)
"""

# Grading again (`kb grade`, a resolved work): the claims and maybe their assessments exist.
# A grade is written only if every editor's stance now on the claim's counted edges is one it
# followed (`stances_seen`): a re-grade that read the claim before an editor recorded a stance
# would otherwise replace the grade the stance gave (`GraphStore.set_stance`) with a stale one.
SET_ASSESSMENTS = """
UNWIND $rows AS row
MATCH (c:Claim {id: row.claim_id})
WHERE NOT EXISTS {
  MATCH (c)-[e:CITES|CANDIDATE]->(:Work)
  WHERE (type(e) = 'CITES' OR e.accepted = true) AND e.stance_id IS NOT NULL
    AND NOT e.stance_id IN row.stances_seen
}
MERGE (a:Assessment {id: row.id})
SET a.grade = row.grade, a.score = row.score, a.reasons = row.reasons,
    a.rubric_version = row.rubric_version, a.overclaim = row.overclaim,
    a.assessed_at = row.assessed_at
MERGE (c)-[r:ASSESSED]->(a)
ON CREATE SET r.provenance = 'rubric'
SET c.grade = row.grade, c.score = row.score, c.overclaim = row.overclaim,
    c.rank = row.rank, c.reasons = row.reasons, c.rubric_version = row.rubric_version,
    c.study_mismatch = row.study_mismatch, c.study_mismatch_count = row.study_mismatch_count,
    c.study_overstated = row.study_overstated
WITH c, row
CALL (c, row) {
  UNWIND row.studies AS study
  MATCH (c)-[r:CITES|CANDIDATE]->(:Work {id: study.work_id})
  SET r.comparison_json = study.comparison_json, r.directness_json = study.directness_json,
      r.mismatch_count = study.mismatch_count
}
"""

# --- editors' stances on cited works ------------------------------------------------------------

# What a stance can be set on: the claim's CITES edge to the work, or its CANDIDATE edge once an
# editor accepted it.
STANCE_TARGETS = """
MATCH (c:Claim {id: $claim_id})-[r:CITES|CANDIDATE]->(w:Work {id: $work_id})
RETURN type(r) AS kind, coalesce(r.accepted, false) AS accepted
"""

# The current stance goes on the edge (grading reads it there); every stance is also a
# StanceEvent node, its history. `stance_writes` on the claim numbers the events and makes two
# editors judging works of one claim at once conflict (one is retried), so each re-grade sees
# the other's stance, as `flag_writes` does for flags.
SET_STANCE = """
MATCH (c:Claim {id: $claim_id})-[r:CITES|CANDIDATE]->(w:Work {id: $work_id})
WHERE type(r) = 'CITES' OR r.accepted = true
SET r.stance = $edge.stance, r.stance_by = $edge.stance_by, r.stance_at = $edge.stance_at,
    r.stance_note = $edge.stance_note, r.stance_id = $edge.stance_id
WITH c, w, count(r) AS edges
SET c.stance_writes = coalesce(c.stance_writes, 0) + 1
CREATE (e:StanceEvent {id: $event.id, claim_id: $event.claim_id, work_id: $event.work_id,
                       stance: $event.stance, note: $event.note, by: $event.by, at: $event.at,
                       seq: c.stance_writes})
CREATE (e)-[:JUDGES {provenance: 'editor'}]->(c)
CREATE (e)-[:ON_WORK {provenance: 'editor'}]->(w)
RETURN e.id AS id
"""

# A new version of a page keeps its editors' stances (`kb.stances`): those of the latest version
# of each article, read before the new version is written, and their events written with it.
EARLIER_STANCES = """
UNWIND $keys AS key
MATCH (s:Source {key: key})
WHERE s.is_latest = true
MATCH (s)-[:HAS_CLAIM]->(c:Claim)-[r:CITES]->(w:Work)
WHERE r.stance IS NOT NULL
RETURN key, s.id AS source_id, c.text AS text, w.id AS work_id,
       r {.stance, .stance_by, .stance_at, .stance_note} AS edge
"""

CREATE_STANCE_EVENTS = """
UNWIND $rows AS row
MATCH (c:Claim {id: row.claim_id})
MATCH (w:Work {id: row.work_id})
SET c.stance_writes = coalesce(c.stance_writes, 0) + 1
CREATE (e:StanceEvent {id: row.id, claim_id: row.claim_id, work_id: row.work_id, stance: row.stance,
                       note: row.note, by: row.by, at: row.at, seq: c.stance_writes})
CREATE (e)-[:JUDGES {provenance: 'editor'}]->(c)
CREATE (e)-[:ON_WORK {provenance: 'editor'}]->(w)
"""

STANCE_HISTORY = """
MATCH (e:StanceEvent)-[:JUDGES]->(:Claim {id: $claim_id})
WHERE e.work_id = $work_id
RETURN e {.id, .claim_id, .work_id, .stance, .note, .by, .at} AS event
ORDER BY e.seq DESC, e.at DESC
"""

# The worklist "cited, but the study does not match": worst first (the most mismatches, then a
# strength overstatement, then the claim's own rank). Each claim's studies are read with
# CLAIM_EVIDENCE and put in words by `kb.grading.mismatch_reasons`.
_mismatched_first = """
WITH c
ORDER BY c.study_mismatch_count DESC, c.study_overstated DESC, c.rank, c.id
SKIP $skip LIMIT $limit
RETURN """

STUDY_MISMATCHES = "MATCH (c:Claim)\nWHERE c.study_mismatch = true" + _mismatched_first + _claim_row

STUDY_MISMATCHES_OF_SOURCE = (
    "MATCH (c:Claim)\nWHERE c.source_id = $source_id\nWITH c\nWHERE c.study_mismatch = true"
    + _mismatched_first
    + _claim_row
)

# --- the write log: the graph's generation -----------------------------------------------------

# Every write transaction adds one Change node (a CREATE: concurrent writers never conflict on
# it). Counting a label is answered without reading nodes, so the count is a cheap generation
# number: readers keep costly results until it changes (kb/readcache.py).
RECORD_CHANGE = "CREATE (:Change {at: $at})"
GRAPH_GENERATION = "MATCH (ch:Change) RETURN count(ch) AS n"

# --- reading --------------------------------------------------------------------------------

# Dashboard counts without reading every claim: labels and indexes do the work. A claim is
# cited exactly when it is not `Uncited` (`kb check` verifies it), so of the statuses only one
# is counted through its index; grades are a fixed list, one index count each.
COUNT_CLAIMS_WITH_STATUS = "MATCH (c:Claim) WHERE c.citation_status = $status RETURN count(c) AS n"

COUNT_CLAIMS_WITH_GRADES = """
UNWIND $grades AS g
CALL (g) {
  MATCH (c:Claim) WHERE c.grade = g RETURN count(c) AS n
}
RETURN g AS grade, n
"""

LIST_UNCITED = f"""
MATCH (:Source)-[:HAS_CLAIM]->(c:Uncited)
WITH c
ORDER BY c.rank, c.id
SKIP $skip LIMIT $limit
RETURN {_map("c", ClaimRef)} AS claim
"""

LIST_SOURCES = f"""
MATCH (s:Source)
WHERE $latest_only = false OR s.is_latest = true
WITH s
ORDER BY s.ingested_at DESC, s.id
SKIP $skip LIMIT $limit
RETURN {_map("s", SourceRow)} AS source
"""

GET_SOURCE = "MATCH (s:Source {id: $id}) RETURN " + _map("s", SourceRecord) + " AS source"

SOURCE_CLAIMS = f"""
MATCH (c:Claim {{source_id: $id}})
WITH c
ORDER BY c.start
RETURN {_claim_row}
"""

SOURCE_VERSIONS = f"""
MATCH (s:Source {{key: $key}})
WITH s
ORDER BY s.ingested_at DESC
RETURN {_map("s", SourceVersion)} AS version
"""

# The claims list. Every filter is optional (a null parameter disables it); the embedded engine
# uses an index only for a plain `c.x = $x` at the top of a WHERE, never behind `$x IS NULL OR`,
# so each statement starts from the most selective filter that is set (its *driver*: an indexed
# property, or the Entity an intervention or outcome names, reached through the graph) and checks
# the others row by row. A status is no driver: most claims share one ("missing"), and reading
# them through the index is slower than a scan. `GraphStore.list_claims` picks the variant
# (`claims_variant`).
_claim_filters = """
WHERE ($source_id IS NULL OR c.source_id = $source_id)
  AND ($status IS NULL OR c.citation_status = $status)
  AND ($grade IS NULL OR c.grade = $grade)
  AND ($search IS NULL OR c.search_text CONTAINS $search)
  AND ($cue IS NULL OR $cue IN c.hedges OR $cue IN c.boosters OR c.attribution = $cue)
  AND ($flagged IS NULL OR coalesce(c.flagged, false) = $flagged)
  AND ($overclaim IS NULL OR coalesce(c.overclaim, false) = $overclaim)
  AND ($intervention IS NULL OR $intervention IN c.interventions)
  AND ($outcome IS NULL OR $outcome IN c.outcomes)
"""

_claim_variants: dict[str, str] = {
    "all": "MATCH (c:Claim)\n",  # no filter at all
    "scan": "MATCH (c:Claim)" + _claim_filters,  # only filters no index can serve
    "source_id": "MATCH (c:Claim)\nWHERE c.source_id = $source_id\nWITH c" + _claim_filters,
    "grade": "MATCH (c:Claim)\nWHERE c.grade = $grade\nWITH c" + _claim_filters,
    "intervention": (
        "MATCH (:Entity {name: $intervention})<-[:INTERVENTION]-(:Proposition)<-[:STATES]-(c:Claim)\n"
        "WITH DISTINCT c" + _claim_filters
    ),
    "outcome": (
        "MATCH (:Entity {name: $outcome})<-[:OUTCOME]-(:Proposition)<-[:STATES]-(c:Claim)\n"
        "WITH DISTINCT c" + _claim_filters
    ),
}

# Worst first; sorted before projecting, so only one page of rows is ever built.
_worst_first = "WITH c\nORDER BY c.rank, c.id\n"
_page = _worst_first + "SKIP $skip LIMIT $limit\n"
# The first `$keep` ids of a list, as one list: the store keeps them (kb/readcache.py) and serves
# the first pages from them, one id lookup a row, until the graph changes. Only a prefix: sending
# every id of a broad list costs seconds at 100,000 claims, far more than one page.
_id_prefix = _worst_first + "LIMIT $keep\nRETURN collect(c.id) AS ids"

LIST_CLAIMS_BY: dict[str, str] = {
    driver: head + _page + "RETURN " + _claim_row for driver, head in _claim_variants.items()
}
COUNT_CLAIMS_BY: dict[str, str] = {
    driver: head + "RETURN count(c) AS n" for driver, head in _claim_variants.items()
}
CLAIM_IDS_BY: dict[str, str] = {driver: head + _id_prefix for driver, head in _claim_variants.items()}

# Most selective first: one article's claims, then the claims about one entity, then a grade.
_DRIVER_ORDER = ("source_id", "intervention", "outcome", "grade")


def claims_variant(params: dict[str, object]) -> str:
    """Which variant of the claims list serves these filter parameters (`ClaimFilter.params`)."""
    if all(v is None for v in params.values()):
        return "all"
    return next((name for name in _DRIVER_ORDER if params.get(name) is not None), "scan")


# The generic list and count (every filter optional): the reference the tests hold the driver
# variants to, and what a reader of this file should picture.
LIST_CLAIMS = LIST_CLAIMS_BY["scan"]
COUNT_CLAIMS = COUNT_CLAIMS_BY["scan"]
CLAIM_ROWS_BY_ID = "UNWIND $ids AS cid\nMATCH (c:Claim {id: cid})\nRETURN " + _claim_row

# Start from the claim (its id index), then its source: starting from `(s:Source)` reads every source.
GET_CLAIM = f"""
MATCH (c:Claim {{id: $id}})
MATCH (s:Source)-[:HAS_CLAIM]->(c)
RETURN {_claim_row}, {_map("s", SourceRecord)} AS source
"""

CLAIM_CITATIONS = """
MATCH (c:Claim {id: $id})-[r:CITES|CANDIDATE]->(w:Work)
RETURN type(r) AS kind, r {.*} AS edge, w {.*} AS work
ORDER BY kind, w.year DESC
"""

CLAIM_PROPOSITIONS = """
MATCH (c:Claim {id: $id})-[:STATES]->(p:Proposition)
OPTIONAL MATCH (p)<-[:STATES]-(other:Claim)<-[:HAS_CLAIM]-(s:Source)
WHERE other.id <> c.id
RETURN p {.*} AS proposition,
       collect(DISTINCT CASE WHEN other IS NULL THEN null
               ELSE {claim_id: other.id, text: other.text, source_id: s.id, title: s.title} END) AS others
"""

CLAIM_FLAGS = """
MATCH (f:Flag)-[:FLAGS]->(c:Claim {id: $id})
OPTIONAL MATCH (f)-[:HAS_EVENT]->(e:FlagEvent)
WITH f, e ORDER BY e.at
WITH f, collect(e {.*}) AS history
ORDER BY f.created_at
RETURN f {.*} AS flag, history
"""

# Labels cannot be parameters, so statements that start from "any node by id" exist once per
# label; the label always comes from this fixed tuple, never from user input. Starting from a
# label lets both engines use the id constraint's index instead of scanning every node.
NODE_LABELS: tuple[str, ...] = tuple(ids.PREFIX_BY_LABEL)  # the labels of kb ids (kb/ids.py)

# Most connected neighbours first, so a view cut at its node limit keeps the hubs; the degrees
# of at most NEIGHBOUR_SCAN neighbours are counted, so an entity with 100,000 claims stays cheap.
NEIGHBOUR_SCAN = 5000
NEIGHBOURS_BY_LABEL: dict[str, str] = {
    label: f"""
MATCH (a:{label} {{id: $id}})-[r]-(b)
WITH r, b LIMIT {NEIGHBOUR_SCAN}
WITH r, b, COUNT {{ (b)--() }} AS degree
ORDER BY degree DESC, b.id
LIMIT $limit
RETURN type(r) AS type, startNode(r).id AS start, endNode(r).id AS end,
       r.provenance AS provenance, b {{.*, labels: labels(b)}} AS node
"""
    for label in NODE_LABELS
}

GET_NODE_BY_LABEL: dict[str, str] = {
    label: f"MATCH (n:{label} {{id: $id}}) RETURN n {{.*, labels: labels(n)}} AS node"
    for label in NODE_LABELS
}

COUNT_NODES = (
    "\n".join(
        f"CALL () {{ MATCH (n:{label}) RETURN count(n) AS {label.lower()} }}"
        for label in (*NODE_LABELS, "Uncited")
    )
    + "\nRETURN "
    + ", ".join(label.lower() for label in (*NODE_LABELS, "Uncited"))
)

# The claims an editor should look at. One article's queue starts from its index; the whole
# queue's first ids are kept by the store like the claims lists'.
_needs_editor = "(c.citation_status IN ['missing', 'vague'] OR c.overclaim = true)"
_unflagged_unless_asked = "\n  AND ($include_flagged OR coalesce(c.flagged, false) = false)\n"
_queue_row = "RETURN " + _claim_row + "\n"
_queue = "MATCH (c:Claim)\nWHERE " + _needs_editor + _unflagged_unless_asked
_queue_of_source = (
    "MATCH (c:Claim)\nWHERE c.source_id = $source_id\n  AND " + _needs_editor + _unflagged_unless_asked
)

EDITOR_QUEUE = _queue + _page + _queue_row
EDITOR_QUEUE_OF_SOURCE = _queue_of_source + _page + _queue_row
EDITOR_QUEUE_IDS = _queue + _id_prefix

# Sources are counted by the claims' source_id: one hop less per claim than reaching the Source.
TOP_UNSUPPORTED_PROPOSITIONS = """
MATCH (c:Uncited)-[:STATES]->(p:Proposition)
WITH p, count(DISTINCT c.source_id) AS sources, count(c) AS claims
ORDER BY sources DESC, claims DESC, p.id
LIMIT $limit
RETURN p.id AS id, p.text AS text, sources, claims
"""

ENTITIES = """
MATCH (e:Entity)
WHERE $kind IS NULL OR e.kind = $kind
RETURN e {.*} AS entity
ORDER BY e.name
LIMIT $limit
"""

# --- editor flags ---------------------------------------------------------------------------

CREATE_FLAG = """
MATCH (c:Claim {id: $claim_id})
CREATE (f:Flag {id: $flag.id, reason: $flag.reason, note: $flag.note, status: $flag.status,
                created_by: $flag.created_by, created_at: $flag.created_at, claim_id: $claim_id})
CREATE (f)-[:FLAGS {provenance: 'editor'}]->(c)
CREATE (e:FlagEvent {id: $event.id, status: $event.status, by: $event.by, note: $event.note, at: $event.at})
CREATE (f)-[:HAS_EVENT {provenance: 'editor'}]->(e)
SET c.flagged = true, c.flag_writes = coalesce(c.flag_writes, 0) + 1
RETURN f.id AS id
"""

# Both flag statements bump `flag_writes` on the claim: `flagged` is computed from the flags this
# transaction sees, and writing an unchanged `flagged` is no write conflict, so two editors
# closing the last two flags at once would each leave it true (write skew). The counter makes the
# second commit conflict and be retried, now seeing the other flag closed.
UPDATE_FLAG = """
MATCH (f:Flag {id: $flag_id})-[:FLAGS]->(c:Claim)
SET f.status = $event.status, c.flag_writes = coalesce(c.flag_writes, 0) + 1
CREATE (e:FlagEvent {id: $event.id, status: $event.status, by: $event.by, note: $event.note, at: $event.at})
CREATE (f)-[:HAS_EVENT {provenance: 'editor'}]->(e)
WITH c
OPTIONAL MATCH (other:Flag {status: 'open'})-[:FLAGS]->(c)
WITH c, count(other) AS open_flags
SET c.flagged = open_flags > 0
RETURN open_flags
"""

LIST_FLAGS = """
MATCH (f:Flag)-[:FLAGS]->(c:Claim)
WHERE $status IS NULL OR f.status = $status
RETURN f {.*} AS flag, c {.id, .text, .source_id} AS claim
ORDER BY f.created_at DESC
SKIP $skip LIMIT $limit
"""

# --- maintenance ----------------------------------------------------------------------------

# The write log survives a reset, so its count (the graph's generation) never goes back to a
# value a reader may have kept results for. A reset deletes in batches (one transaction for a
# whole large graph would not fit in the engine's heap), so it first marks itself pending: a
# reset that is killed half-way is finished by the next connection (`GraphStore.ensure_schema`)
# instead of leaving sources without claims or claims without sources. `Meta` nodes (the schema
# version, the mark) are kept.
MARK_RESET = """
MERGE (m:Meta {key: 'reset'})
SET m.at = $at
"""

RESET_PENDING = "MATCH (m:Meta {key: 'reset'}) RETURN m.at AS at"

UNMARK_RESET = "MATCH (m:Meta {key: 'reset'}) DELETE m"

DELETE_BATCH = """
MATCH (n)
WHERE NOT n:Change AND NOT n:Meta
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS n
"""

# --- integrity checks (kb check): each returns up to $limit offending ids ---------------------

# Every check streams: it looks at one node at a time (a pattern count, an index lookup) and
# holds only the offenders, never a group per node. Grouping all claims by id or by source is
# more than the embedded engine lets queries buffer (half its heap) on a graph of a million
# claims or so, and `kb check` must work on the graphs it is meant to vet.

CHECKS: dict[str, str] = {
    "claim without a source": """
MATCH (c:Claim)
WHERE NOT EXISTS { (:Source)-[:HAS_CLAIM]->(c) }
RETURN c.id AS id LIMIT $limit
""",
    "claim in more than one source": """
MATCH (c:Claim)
WHERE COUNT { (:Source)-[:HAS_CLAIM]->(c) } > 1
RETURN c.id AS id LIMIT $limit
""",
    "claim span outside its source text": """
MATCH (s:Source)-[:HAS_CLAIM]->(c:Claim)
WHERE c.start < 0 OR c.end < c.start OR c.end > size(s.text)
   OR substring(s.text, c.start, c.end - c.start) <> c.text
RETURN c.id AS id LIMIT $limit
""",
    "claim cited but labelled Uncited": """
MATCH (c:Uncited)
WHERE EXISTS { (c)-[:CITES]->(:Work) }
RETURN c.id AS id LIMIT $limit
""",
    "uncited claim without the Uncited label": """
MATCH (c:Claim)
WHERE NOT c:Uncited AND NOT EXISTS { (c)-[:CITES]->(:Work) }
RETURN c.id AS id LIMIT $limit
""",
    "citation edge not from a claim to a work": """
MATCH (a)-[r:CITES|CANDIDATE]->(b)
WHERE NOT a:Claim OR NOT b:Work
RETURN coalesce(a.id, '?') + ' -> ' + coalesce(b.id, '?') AS id LIMIT $limit
""",
    "proposition without a claim": """
MATCH (p:Proposition)
WHERE NOT EXISTS { (p)<-[:STATES]-(:Claim) }
RETURN p.id AS id LIMIT $limit
""",
    "assessment without a rubric version": """
MATCH (a:Assessment)
WHERE a.rubric_version IS NULL OR a.grade IS NULL
RETURN a.id AS id LIMIT $limit
""",
    "source with a claim count that does not match": """
MATCH (s:Source)
WHERE s.claim_count <> COUNT { (s)-[:HAS_CLAIM]->(:Claim) }
RETURN s.id AS id LIMIT $limit
""",
    "flag without its claim or its history": """
MATCH (f:Flag)
WHERE NOT EXISTS { (f)-[:FLAGS]->(:Claim) } OR NOT EXISTS { (f)-[:HAS_EVENT]->(:FlagEvent) }
RETURN f.id AS id LIMIT $limit
""",
    "stance event without its claim or its work": """
MATCH (e:StanceEvent)
WHERE NOT EXISTS { (e)-[:JUDGES]->(:Claim) } OR NOT EXISTS { (e)-[:ON_WORK]->(:Work) }
RETURN e.id AS id LIMIT $limit
""",
    "article with more than one latest version": """
MATCH (s:Source {is_latest: true})
WHERE COUNT { MATCH (other:Source) WHERE other.key = s.key AND other.is_latest = true } > 1
RETURN DISTINCT s.key AS id LIMIT $limit
""",
    "node without an id": """
MATCH (n)
WHERE n.id IS NULL AND NOT n:Meta AND NOT n:Change
RETURN labels(n)[0] AS id LIMIT $limit
""",
}

# Duplicate ids per label; the label comes from NODE_LABELS only. Each node looks its id up in
# the id index rather than grouping every id: a GROUP BY over 1.5M claims is more than the
# engine lets one query hold in its heap (see the comment above CHECKS).
DUPLICATE_IDS_BY_LABEL: dict[str, str] = {
    label: f"""
MATCH (n:{label})
WHERE COUNT {{ MATCH (m:{label}) WHERE m.id = n.id }} > 1
RETURN DISTINCT n.id AS id LIMIT $limit
"""
    for label in NODE_LABELS
}

# --- stopping a cut-off console query (run with the store's own rights) ----------------------

SHOW_TRANSACTIONS = "SHOW TRANSACTIONS"
TERMINATE_TRANSACTIONS = "TERMINATE TRANSACTIONS $ids"

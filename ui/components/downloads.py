"""Downloads: the graph view as CSV, JSON and GraphML, and an editor's correction report (pure).

CSV cells that a spreadsheet would run as a formula (starting with = + - @) are prefixed with
an apostrophe; GraphML is built with ElementTree, which escapes markup, after dropping the
control characters XML 1.0 cannot hold.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from kb.models import Flag, FlagStatus
from kb.views import ClaimRow, FlaggedClaim, SourceRecord, StudyMismatch, Subgraph
from ui.components.claim_summary import problems
from ui.components.cytoscape import node_label
from ui.components.safe import short
from ui.components.titles import display_title

_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MD_REPORT = re.compile(r"([\\`*_{}\[\]<>#|!~$])")


def cell(value: Any) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return buf.getvalue()


def nodes_csv(graph: Subgraph) -> str:
    return _csv(
        ["id", "label", "caption", "grade", "citation_status"],
        (
            [n.id, node_label(n), n.caption, n.properties.get("grade"), n.properties.get("citation_status")]
            for n in graph.nodes
        ),
    )


def edges_csv(graph: Subgraph) -> str:
    return _csv(
        ["start", "type", "end", "provenance"], ([e.start, e.type, e.end, e.provenance] for e in graph.edges)
    )


def graph_json(graph: Subgraph) -> str:
    return json.dumps(graph.model_dump(mode="json"), ensure_ascii=False, indent=2, default=str)


def _xml_text(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return _XML_INVALID.sub("", text)


def graphml(graph: Subgraph) -> str:
    ns = "http://graphml.graphdrawing.org/xmlns"
    root = ET.Element("graphml", {"xmlns": ns})
    node_keys = ("label", "caption", "grade", "citation_status", "properties")
    for key in node_keys:
        ET.SubElement(root, "key", {"id": f"n_{key}", "for": "node", "attr.name": key, "attr.type": "string"})
    for key in ("type", "provenance"):
        ET.SubElement(root, "key", {"id": f"e_{key}", "for": "edge", "attr.name": key, "attr.type": "string"})
    g = ET.SubElement(root, "graph", {"id": "kb", "edgedefault": "directed"})
    known = {n.id for n in graph.nodes}
    for n in graph.nodes:
        el = ET.SubElement(g, "node", {"id": _xml_text(n.id)})
        values = {
            "label": node_label(n),
            "caption": n.caption,
            "grade": n.properties.get("grade"),
            "citation_status": n.properties.get("citation_status"),
            "properties": n.properties,
        }
        for key in node_keys:
            if values[key] not in (None, ""):
                ET.SubElement(el, "data", {"key": f"n_{key}"}).text = _xml_text(values[key])
    for i, e in enumerate(graph.edges):
        if e.start not in known or e.end not in known:
            continue
        el = ET.SubElement(
            g, "edge", {"id": f"e{i}", "source": _xml_text(e.start), "target": _xml_text(e.end)}
        )
        ET.SubElement(el, "data", {"key": "e_type"}).text = _xml_text(e.type)
        if e.provenance:
            ET.SubElement(el, "data", {"key": "e_provenance"}).text = _xml_text(e.provenance)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# --- correction report ------------------------------------------------------------------------


def _md(text: Any) -> str:
    """Markdown-inert but still readable: no links, emphasis, HTML or tables from article text."""
    return _MD_REPORT.sub(r"\\\1", " ".join(str(text).split()))


def _corrected(flags: Sequence[Flag]) -> bool:
    """An editor resolved a flag on the claim ("the text was corrected") and none is open."""
    statuses = {f.status for f in flags}
    return FlagStatus.RESOLVED in statuses and FlagStatus.OPEN not in statuses


def _needs_correcting(found: Sequence[str], flags: Sequence[Flag]) -> bool:
    """An open flag, or a problem the text still has; a dismissed flag ("the flag was wrong")
    adds nothing, a resolved one means the text was corrected."""
    if _corrected(flags):
        return False
    return bool(found) or any(f.status is FlagStatus.OPEN for f in flags)


def _by_claim(flags: Sequence[FlaggedClaim]) -> dict[str, list[Flag]]:
    found: dict[str, list[Flag]] = {}
    for f in flags:
        found.setdefault(f.claim.id, []).append(f.flag)
    return found


STUDY_MISMATCH = "cited study does not match"


def mismatch_words(rows: Sequence[StudyMismatch]) -> dict[str, list[str]]:
    """Per claim id, each mismatch in words with the study it is about:
    "who: claim about people; study in mice (study: Ketamine in mice)"."""
    return {
        r.claim_id: [f"{reason} (study: {short(s.label, 100)})" for s in r.studies for reason in s.reasons]
        for r in rows
    }


def report_rows(
    claims: Sequence[ClaimRow],
    flags: Sequence[FlaggedClaim],
    mismatches: Mapping[str, Sequence[str]] | None = None,
) -> list[dict[str, Any]]:
    """One row per claim that needs correcting, in reading order: an open flag, or a problem
    (no citation, vague attribution, overclaim, a cited study that does not match the claim)
    whose flag no editor has resolved. `mismatches` holds, per claim id, the mismatches in words
    ("who: claim about people; study in mice")."""
    flags_by_claim = _by_claim(flags)
    mismatches = mismatches or {}
    rows = []
    for c in sorted(claims, key=lambda c: c.start):
        found, its_flags = problems(c), flags_by_claim.get(c.id, [])
        differs = list(mismatches.get(c.id, []))
        if differs:
            found = [*found, STUDY_MISMATCH]
        if not _needs_correcting(found, its_flags):
            continue
        rows.append(
            {
                "claim_id": c.id,
                "text": c.text,
                "problems": "; ".join(found),
                "grade": c.grade.value,
                "citation_status": c.citation_status.value,
                "study_mismatch": "; ".join(differs),
                "flags": "; ".join(
                    f"{f.reason.value} ({f.status.value}, {f.created_by}): {f.note}".strip()
                    for f in its_flags
                ),
            }
        )
    return rows


def corrected_count(flags: Sequence[FlaggedClaim]) -> int:
    """Statements an editor marked corrected: a flag resolved and none still open."""
    return sum(1 for its in _by_claim(flags).values() if _corrected(its))


def correction_csv(rows: Sequence[dict[str, Any]]) -> str:
    header = ["claim_id", "text", "problems", "grade", "citation_status", "study_mismatch", "flags"]
    return _csv(header, ([r[h] for h in header] for r in rows))


def correction_markdown(source: SourceRecord, rows: Sequence[dict[str, Any]], generated_at: str) -> str:
    title = display_title(source)
    lines = [
        f"# Correction report: {_md(title)}",
        "",
        f"- Source: {_md(source.locator or source.key)}",
        f"- Source id: `{source.id}`",
        f"- Generated: {generated_at}",
        f"- Statements needing correction: {len(rows)}",
        "",
    ]
    if not rows:
        lines.append("Nothing to correct: every claim cites its evidence and no editor flagged any.")
    for i, r in enumerate(rows, 1):
        lines += [
            f"## {i}. {_md(r['problems'] or 'flagged by an editor')}",
            "",
            f"> {_md(r['text'])}",
            "",
            f"- Grade: {r['grade']}; citation: {r['citation_status']}",
        ]
        if r.get("study_mismatch"):
            lines.append(f"- The cited study does not match the claim: {_md(r['study_mismatch'])}")
        if r["flags"]:
            lines.append(f"- Editor flags: {_md(r['flags'])}")
        lines.append(f"- Claim id: `{r['claim_id']}`")
        lines.append("")
    return "\n".join(lines)

"""ClinicalTrials.gov API v2: a registered study by NCT number.

    GET {clinicaltrials}/studies/NCT99999901   -> {"protocolSection": {...}, "derivedSection": {...},
                                                   "hasResults": true}

The registry states the design (allocation, observational model), so it is taken as stated. A
study with no posted results is only a protocol: its design is `trial_registration` whatever the
protocol plans, because a registration shows that a trial exists, not what it found. Enrollment
counts only when it is ACTUAL; an ESTIMATED enrollment is a plan. The phase and the overall status
are kept as words ("phase 1/2", "recruiting"): a trial still recruiting has found nothing yet.
"""

from __future__ import annotations

from typing import Any

from ingest.resolve.base import Lookup
from ingest.resolve.errors import MalformedResponse
from ingest.resolve.records import Record
from ingest.resolve.text import as_int, clean
from kb.models import Design

__all__ = ["fetch_study", "parse_study", "stated_design", "trial_phase"]

SERVICE = "clinicaltrials"
_OBSERVATIONAL = {
    "COHORT": Design.COHORT,
    "CASE_CONTROL": Design.CASE_CONTROL,
    "CASE_ONLY": Design.CASE_SERIES,
    "CASE_CROSSOVER": Design.CASE_SERIES,
    "ECOLOGIC_OR_COMMUNITY": Design.CROSS_SECTIONAL,
}
_ALLOCATION = {"RANDOMIZED": Design.RCT, "NON_RANDOMIZED": Design.NON_RANDOMIZED_CONTROLLED}


def fetch_study(lookup: Lookup, nct: str) -> Record | None:
    payload = lookup.get_json(SERVICE, f"{lookup.endpoints.clinicaltrials}/studies/{nct.upper()}")
    return None if payload is None else parse_study(payload)


def parse_study(payload: Any) -> Record:
    protocol = payload.get("protocolSection") if isinstance(payload, dict) else None
    if not isinstance(protocol, dict):
        raise MalformedResponse("ClinicalTrials.gov answered without 'protocolSection'")
    ident = _dict(protocol, "identificationModule")
    status = _dict(protocol, "statusModule")
    design = _dict(protocol, "designModule")
    enrollment = _dict(design, "enrollmentInfo")
    has_results = payload.get("hasResults")
    registered = stated_design(design)
    phase = trial_phase(design.get("phases"))
    overall = status.get("overallStatus")
    state = overall.lower().replace("_", " ") if isinstance(overall, str) and overall.strip() else None
    notes = [
        phase or "",
        f"status {state or 'unknown'}",
        "results posted" if has_results is True else "no results posted",
        f"registered as {registered.value}" if registered else "",
    ]
    derived = _dict(payload, "derivedSection")
    return Record(
        service=SERVICE,
        nct=clean(ident.get("nctId")),
        title=clean(ident.get("officialTitle")) or clean(ident.get("briefTitle")),
        year=_year(_dict(status, "studyFirstPostDateStruct").get("date")),
        abstract=clean(_dict(protocol, "descriptionModule").get("briefSummary")),
        mesh=_meshes(derived, "conditionBrowseModule") + _meshes(derived, "interventionBrowseModule"),
        type_label="trial registration",
        stated_design=(
            registered.value if registered and has_results is True else Design.TRIAL_REGISTRATION.value
        ),
        human=True,  # the registry records studies in people
        sample_size=as_int(enrollment.get("count")) if enrollment.get("type") == "ACTUAL" else None,
        trial_phase=phase,
        trial_status=state,
        notes=[n for n in notes if n],
    )


def trial_phase(phases: Any) -> str | None:
    """["PHASE1", "PHASE2"] -> "phase 1/2"; ["EARLY_PHASE1"] -> "early phase 1"; ["NA"] -> "not applicable"."""
    names = (
        [p.strip().upper() for p in phases if isinstance(p, str) and p.strip()]
        if isinstance(phases, list)
        else []
    )
    if not names:
        return None
    if names == ["NA"]:
        return "not applicable"
    early = "early " if any(n.startswith("EARLY_") for n in names) else ""
    numbers = [n.removeprefix("EARLY_").removeprefix("PHASE") for n in names if n != "NA"]
    return f"{early}phase {'/'.join(numbers)}"


def stated_design(design: dict[str, Any]) -> Design | None:
    """The design the registry declares, or None when it declares none we grade."""
    info = _dict(design, "designInfo")
    study_type = design.get("studyType")
    if study_type == "INTERVENTIONAL":
        if info.get("allocation") in _ALLOCATION:
            return _ALLOCATION[info["allocation"]]
        if info.get("interventionModel") == "SINGLE_GROUP":
            return Design.CASE_SERIES  # one treated group and no comparison
        return None
    if study_type == "OBSERVATIONAL":
        if info.get("timePerspective") == "CROSS_SECTIONAL":
            return Design.CROSS_SECTIONAL
        return _OBSERVATIONAL.get(str(info.get("observationalModel")))
    return None


def _dict(parent: Any, key: str) -> dict[str, Any]:
    value = parent.get(key) if isinstance(parent, dict) else None
    return value if isinstance(value, dict) else {}


def _year(date: Any) -> int | None:
    return as_int(date[:4]) if isinstance(date, str) else None


def _meshes(derived: dict[str, Any], module: str) -> list[str]:
    meshes = _dict(derived, module).get("meshes") or []
    return [t for m in meshes if isinstance(m, dict) and (t := clean(m.get("term")))]

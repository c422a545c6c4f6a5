"""KPI and assessment formulas (docs/assessment.md is their written form; keep the two in step).

Pure functions on plain numbers: the report service gathers the inputs with SQL, these turn
them into 0–100 scores. Every sub-score is either a number or None ("not measurable for this
person in this period"); a component is the plain mean of its measurable sub-scores, and the
score is the weighted mean of the measurable components. Nothing is rounded until the end.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

FORMULA_VERSION = "2"  # 2: attendance per shift (a no-show loses the shift), conduct and training need data
ACK_RATIO_CAP = 2.0  # an acknowledgement slower than 2× its target counts as 2×
NEGATIVE_RECORD_POINTS = 20  # per late / absent / violation record
COMMENDATION_POINTS = 10  # per commendation
COMPONENTS = ("efficiency", "quality", "discipline")
NEGATIVE_KINDS = ("late", "absent", "violation")


def ratio(part: float, whole: float) -> float | None:
    """part / whole, or None when there is nothing to divide."""
    return None if not whole else part / whole


def pct(part: float, whole: float) -> float | None:
    r = ratio(part, whole)
    return None if r is None else 100.0 * r


def mean(values: Iterable[float | None]) -> float | None:
    nums = [v for v in values if v is not None]
    return sum(nums) / len(nums) if nums else None


def median(values: Iterable[float]) -> float | None:
    nums = sorted(values)
    if not nums:
        return None
    mid = len(nums) // 2
    return float(nums[mid]) if len(nums) % 2 else (nums[mid - 1] + nums[mid]) / 2


def clamp(value: float, lo: float = 0.0, hi: float = 100.0) -> float:
    return max(lo, min(hi, value))


def capped_ack_ratio(ack_seconds: float, target_seconds: float) -> float:
    """One ticket's acknowledgement time as a share of its response target, capped at 2."""
    if target_seconds <= 0:
        return ACK_RATIO_CAP if ack_seconds > 0 else 0.0
    return min(ack_seconds / target_seconds, ACK_RATIO_CAP)


# --- the three components ---------------------------------------------------------------


def efficiency(e: Mapping, *, team_median_per_shift: float | None) -> dict:
    """SLA compliance, speed of acknowledgement, tickets handled per shift."""
    sla = pct(e["sla_met"], e["resolved"])
    response = None
    if e["acknowledged"]:
        response = 100.0 * (1 - e["ack_ratio_mean"] / ACK_RATIO_CAP)
    throughput = None
    if e["shifts"] and team_median_per_shift:
        throughput = 100.0 * min(1.0, (e["handled"] / e["shifts"]) / team_median_per_shift)
    parts = {"sla": sla, "response": response, "throughput": throughput}
    return {"parts": parts, "score": mean(parts.values())}


def quality(q: Mapping) -> dict:
    """CSAT (share of 4–5 ratings), reopen rate, first-contact resolution."""
    csat = pct(q["rated_4_5"], q["rated"])
    reopen = None if not q["resolved"] else 100.0 * (1 - q["reopened"] / q["resolved"])
    fcr = pct(q["first_contact"], q["taken_resolved"])
    parts = {"csat": csat, "reopen": reopen, "fcr": fcr}
    return {"parts": parts, "score": mean(parts.values())}


def shift_lost(*, scheduled_seconds: float, no_show: bool, late_seconds: float = 0.0,
               early_seconds: float = 0.0) -> float:
    """The share of one shift a person missed, 0..1: a no-show misses the whole shift; lateness
    and early leave (beyond the grace, counted whole) the part of the shift they took away."""
    if no_show:
        return 1.0
    if scheduled_seconds <= 0:
        return 0.0
    return min(1.0, (late_seconds + early_seconds) / scheduled_seconds)


def discipline(d: Mapping) -> dict:
    """Attendance, conduct records, training up to date, inspections on time.

    A part without data is not measurable (None) and does not lift the component: no shifts,
    no attendance; no discipline or commendation records, no conduct; no inspections, none."""
    attendance = None
    if d["shifts"]:
        attendance = 100.0 * max(0.0, 1 - d["shifts_lost"] / d["shifts"])
    conduct = None
    if d["negative_records"] or d["commendations"]:
        conduct = clamp(
            100.0 - NEGATIVE_RECORD_POINTS * d["negative_records"] + COMMENDATION_POINTS * d["commendations"]
        )
    training = 100.0 if d["training_up_to_date"] else 0.0
    inspections = pct(d["inspections_on_time"], d["inspections_done"])
    parts = {"attendance": attendance, "conduct": conduct, "training": training, "inspections": inspections}
    return {"parts": parts, "score": mean(parts.values())}


def weighted_score(components: Mapping[str, float | None], weights: Mapping[str, float]) -> float | None:
    """Σ weight × component over the measurable components, divided by the sum of their weights."""
    total = sum(weights[c] for c in COMPONENTS if components.get(c) is not None)
    if not total:
        return None
    return sum(weights[c] * v for c in COMPONENTS if (v := components.get(c)) is not None) / total


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def assess(inputs: Mapping, *, team_median_per_shift: float | None, weights: Mapping[str, float],
           min_tickets: int) -> dict:
    """One person's components and score. Too few tickets handled: components, but no score."""
    eff = efficiency(inputs["efficiency"], team_median_per_shift=team_median_per_shift)
    qual = quality(inputs["quality"])
    disc = discipline(inputs["discipline"])
    raw = {"efficiency": eff["score"], "quality": qual["score"], "discipline": disc["score"]}
    handled = inputs["efficiency"]["handled"]
    insufficient = handled < min_tickets
    score = None if insufficient else weighted_score(raw, weights)
    return {
        "efficiency": _round(eff["score"]),
        "quality": _round(qual["score"]),
        "discipline": _round(disc["score"]),
        "score": _round(score),
        "insufficient_data": insufficient,
        "note": (f"{handled} tickets handled, fewer than assessment.min_tickets ({min_tickets}): no score"
                 if insufficient else ""),
        "parts": {
            "efficiency": {k: _round(v) for k, v in eff["parts"].items()},
            "quality": {k: _round(v) for k, v in qual["parts"].items()},
            "discipline": {k: _round(v) for k, v in disc["parts"].items()},
        },
    }


# --- training -------------------------------------------------------------------------------


def training_due_on(last_passed: date | None, joined: date, interval: timedelta) -> date:
    """The day by which the next training is due: the interval after the last passed training,
    or after joining the desk for someone never trained."""
    return (last_passed or joined) + timedelta(days=interval.days)


def training_overdue(due_on: date, today: date) -> bool:
    """Overdue from the day after the due day."""
    return today > due_on


def training_up_to_date(last_passed: date | None, due_on: date, today: date) -> bool:
    """For the assessment: a passed training, and not past the interval since it. Someone never
    trained (or who never passed) is not up to date, whatever the grace a new joiner has in the
    training report."""
    return last_passed is not None and not training_overdue(due_on, today)

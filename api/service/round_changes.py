"""What changed for one criterion of a campaign unit between the appraisal rounds, as data and as one line in
Vietnamese for the appraiser: kiemchung's verdict and supported score in round 1 (the unit's checked
submission) and in round 2 (its re-check with the unit's additional files), the files and explanations the unit
added in between, and the appraisers' round-1 and round-2 scores."""

from __future__ import annotations

from typing import Any

from verifier import messages as M

from .status import RoundState


def _verdict_score(verdict: str | None, score: float | None) -> str:
    label = M.label("verdicts", verdict) if verdict else "—"
    return f"{label} ({M.score(score)})" if score is not None else label


def appraised(record: dict[str, Any] | None) -> float | None:
    """A round's score as the appraisers decided it: the current record when it is confirmed (an appraiser's own
    record, or kiemchung's proposal an appraiser confirmed); None while nothing is decided."""
    if record is None or record["state"] != RoundState.CONFIRMED:
        return None
    score: float | None = record["score"]
    return score


def changes(round1: tuple[str | None, float | None], round2: dict[str, Any] | None, files: int, explanations: int,
            appraiser: tuple[float | None, float | None]) -> dict[str, Any]:
    """``round1``: the machine's verdict and supported score in round 1; ``round2``: its newest re-check
    (verdict, supported_score, at) or None; ``files``/``explanations``: what the unit added (versions counted);
    ``appraiser``: the appraisers' round-1 and round-2 scores (None: not decided)."""
    v1, s1 = round1
    v2, s2 = (round2["verdict"], round2["supported_score"]) if round2 else (None, None)
    line = f"Vòng 1: {_verdict_score(v1, s1)}"
    if round2 is not None:
        line += f" → Vòng 2: {_verdict_score(v2, s2)}"
    elif files or explanations:
        line += " → Vòng 2: chưa kiểm tra lại"
    added = [f"{n} {what}" for n, what in ((files, "tệp"), (explanations, "giải trình")) if n]
    line += " · " + (f"thêm {', '.join(added)}" if added else "không bổ sung")
    a1, a2 = appraiser
    if a1 is not None or a2 is not None:
        line += f" · Thẩm định: {M.score(a1) if a1 is not None else '—'} → {M.score(a2) if a2 is not None else '—'}"
    return {
        "machine": {"round1": {"verdict": v1, "score": s1},
                    "round2": {"verdict": v2, "score": s2, "at": round2["at"]} if round2 else None,
                    "changed": round2 is not None and (v1, s1) != (v2, s2)},
        "added": {"files": files, "explanations": explanations},
        "appraiser": {"round1": a1, "round2": a2},
        "summary_vi": line,
    }

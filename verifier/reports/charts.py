"""The council's charts (matplotlib, Agg backend, no pyplot state): the index of each unit of a group with
the band thresholds, and each field's sub-index across the group (mean bar, lowest–highest whisker).

SVG for the HTML page (text kept as text, no date in its metadata, a fixed id salt: the same data gives
the same bytes), PNG for the DOCX. Numbers are written the Vietnamese way (``90,5``); the font is DejaVu
Sans, shipped with matplotlib, which has every Vietnamese letter.
"""

from __future__ import annotations

import io
from typing import Any, Literal

import matplotlib

matplotlib.use("Agg")

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from models.council import CouncilGroup  # noqa: E402

from ..messages import score as vn  # noqa: E402

Format = Literal["svg", "png"]
_BAND_COLOURS = ["#2e7d32", "#558b2f", "#f9a825", "#ef6c00", "#c62828", "#6d4c41"]
_NO_BAND = "#607d8b"
_DPI = 150


_STYLE: dict[Any, Any] = {"svg.hashsalt": "kiemchung", "svg.fonttype": "none", "font.family": "DejaVu Sans", "font.size": 9}


def _render(fig: Figure, fmt: Format) -> bytes:
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    if fmt == "svg":
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": "kiemchung"})
    else:
        fig.savefig(buf, format="png", dpi=_DPI, metadata={"Software": "kiemchung"})
    return buf.getvalue()


def _figure(width: float, height: float) -> Figure:
    return Figure(figsize=(width, height), layout="constrained")


def _short(text: str, n: int = 48) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def index_chart(group: CouncilGroup, fmt: Format = "svg") -> bytes:
    """The index (%) of each unit of the group, highest first, coloured by band (its code beside the value)."""
    with matplotlib.rc_context(_STYLE):
        return _index_chart(group, fmt)


def field_chart(group: CouncilGroup, fmt: Format = "svg") -> bytes:
    """Each field's sub-index across the group's units: the mean as a bar, the lowest and highest as a whisker."""
    with matplotlib.rc_context(_STYLE):
        return _field_chart(group, fmt)


def _index_chart(group: CouncilGroup, fmt: Format) -> bytes:
    units = list(group.units)
    fig = _figure(8, max(2.2, 0.38 * len(units) + 1.3))
    ax = fig.add_subplot()
    bands = sorted({u.band for u in units if u.band})
    colour = {b: _BAND_COLOURS[i % len(_BAND_COLOURS)] for i, b in enumerate(bands)}
    names = [_short(u.unit) for u in units][::-1]
    values = [u.index or 0.0 for u in units][::-1]
    colours = [colour.get(u.band or "", _NO_BAND) for u in units][::-1]
    bars = ax.barh(range(len(units)), values, color=colours)
    ax.set_yticks(range(len(units)), names)
    ax.set_xlim(0, 105)
    ax.set_xlabel("Chỉ số CCHC (%)")
    ax.set_title(_short(f"Chỉ số CCHC — {group.title}", 90))
    for bar, u in zip(bars, units[::-1], strict=True):
        text = "chưa có điểm" if u.index is None else f"{vn(u.index)}%" + (f" ({u.band})" if u.band else "")
        ax.text(bar.get_width() + 1, bar.get_y() + bar.get_height() / 2, text, va="center", fontsize=8)
    ax.xaxis.set_major_formatter(lambda x, _pos: vn(x))
    ax.grid(axis="x", alpha=0.3)
    return _render(fig, fmt)


def _field_chart(group: CouncilGroup, fmt: Format) -> bytes:
    rows = []
    for h in group.fields:
        vals = [f.index for u in group.units for f in u.fields if f.code == h.code and f.index is not None]
        if vals:
            rows.append((h, sum(vals) / len(vals), min(vals), max(vals)))
    fig = _figure(8, max(2.2, 0.42 * len(rows) + 1.3))
    ax = fig.add_subplot()
    labels = [_short(f"{h.stt or h.code}. {h.title}", 52) for h, *_ in rows][::-1]
    means = [m for _h, m, _lo, _hi in rows][::-1]
    lo = [m - a for _h, m, a, _b in rows][::-1]
    hi = [b - m for _h, m, _a, b in rows][::-1]
    bars = ax.barh(range(len(rows)), means, xerr=[lo, hi], color="#1565c0", ecolor="#424242", capsize=3)
    ax.set_yticks(range(len(rows)), labels)
    ax.set_xlim(0, 110)
    ax.set_xlabel("Chỉ số thành phần theo lĩnh vực (%): trung bình, thấp nhất – cao nhất")
    ax.set_title(_short(f"Theo lĩnh vực — {group.title}", 90))
    for bar, m in zip(bars, means, strict=True):
        ax.text(min(bar.get_width(), 100) + 1.5, bar.get_y() + bar.get_height() / 2, vn(round(m, 2)),
                va="bottom", fontsize=7)
    ax.xaxis.set_major_formatter(lambda x, _pos: vn(x))
    ax.grid(axis="x", alpha=0.3)
    return _render(fig, fmt)


def charts(group: CouncilGroup, fmt: Format) -> dict[str, bytes]:
    """The group's charts by file stem: ``chi-so`` (indices) and ``linh-vuc`` (fields)."""
    return {"chi-so": index_chart(group, fmt), "linh-vuc": field_chart(group, fmt)}


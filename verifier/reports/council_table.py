"""The rows of the council's tables, shared by the XLSX and DOCX writers: the per-unit score table "BẢNG
CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH" (field → criterion → sub-criterion with the unit's STT, maximum,
self-score, round-1 score and note, round-2 score and note, bonus, penalty, points counted, then the totals)
and a group's ranking table. Values stay numbers (None: empty); the writers format them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from models.council import CouncilGroup, ItemRow, Part, RoundCell, UnitScores

from ..messages import local_time, score

TABLE_TITLE = "BẢNG CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH"
UNIT_HEADERS = ["STT", "Mã", "Tiêu chí", "Điểm tối đa", "Điểm tự chấm", "Thẩm định lần 1", "Ghi chú lần 1",
                "Giải trình, tài liệu bổ sung", "Thẩm định lần 2", "Ghi chú lần 2", "Điểm thưởng", "Điểm trừ",
                "Điểm đạt"]
NUMERIC_UNIT_COLUMNS = {3, 4, 5, 8, 10, 11, 12}  # 0-based: the columns holding numbers
RANK_HEADERS = ["Hạng", "Đơn vị", "Điểm tự chấm", "Điểm thẩm định", "Điểm thưởng", "Điểm trừ", "Điều tra XHH",
                "Tổng điểm", "Điểm tối đa", "Chỉ số (%)", "Xếp loại"]

Kind = Literal["field", "criterion", "item", "total"]
Value = float | str | None


@dataclass(frozen=True)
class Row:
    kind: Kind
    values: list[Value]  # one per UNIT_HEADERS column (or RANK_HEADERS)


def round_note(cell: RoundCell | None) -> str:
    """A round's note as the council reads it: the note, whether an explanation is requested, and whether it
    is still kiemchung's proposal that no appraiser has confirmed."""
    if cell is None:
        return ""
    parts = [cell.note.strip()] if cell.note.strip() else []
    if cell.explanation_requested:
        parts.append("Yêu cầu giải trình.")
    if cell.state == "proposed":
        parts.append("(Đề xuất của kiemchung, chưa được thẩm định viên xác nhận.)")
    return " ".join(parts)


def _explained(item: ItemRow) -> str:
    parts = []
    if item.explanation:
        more = f" (phiên bản {item.explanation_versions})" if item.explanation_versions > 1 else ""
        parts.append(item.explanation + more)
    if item.files:
        parts.append("Tệp bổ sung: " + "; ".join(item.files))
    return " — ".join(parts)


def _item_row(item: ItemRow) -> Row:
    r1 = item.round1.score if item.round1 else None
    r2 = item.round2.score if item.round2 else None
    bonus = item.counted if item.role == "bonus" and item.final is not None else None
    penalty = item.counted if item.role == "penalty" and item.final is not None else None
    if item.role == "survey":
        own: Value = "Điều tra XHH"
        counted: Value = item.survey
    else:
        own = item.self_score
        counted = item.counted if item.final is not None else None
    if item.role == "penalty" and counted is not None:
        counted = -float(counted)
    suffix = {"bonus": " (điểm thưởng)", "penalty": " (điểm trừ)", "survey": " (điều tra xã hội học)"}
    title = item.title if item.title.endswith(")") else item.title + suffix.get(item.role, "")
    return Row("item", [item.stt, item.code, title, item.max_score, own, r1, round_note(item.round1),
                        _explained(item), r2, round_note(item.round2), bonus, penalty, counted])


def _group_row(kind: Kind, part: Part, items: list[ItemRow]) -> Row:
    bonus = sum(i.counted for i in items if i.role == "bonus")
    penalty = sum(i.counted for i in items if i.role == "penalty")
    own = sum(i.self_score or 0 for i in items if i.role == "score")
    return Row(kind, [part.stt, part.code, part.title, part.max_score, own, None, "", "", None, "",
                      bonus or None, penalty or None, part.score])


def unit_rows(unit: UnitScores) -> list[Row]:
    """Fields, criteria, items in the criteria set's order, then the totals."""
    rows: list[Row] = []
    for f in unit.fields:
        f_items = [i for i in unit.items if i.field_code == f.code]
        rows.append(_group_row("field", f, f_items))
        for c in f.criteria:
            c_items = [i for i in f_items if i.criterion_code == c.code]
            rows.append(_group_row("criterion", c, c_items))
            rows.extend(_item_row(i) for i in c_items)
    blank: list[Value] = [None] * len(UNIT_HEADERS)

    def total(title: str, value: Value, maximum: Value = None, own: Value = None) -> Row:
        v = list(blank)
        v[2], v[3], v[4], v[12] = title, maximum, own, value
        return Row("total", v)

    self_score = sum(i.self_score or 0 for i in unit.items if i.role == "score")
    rows.append(total("Cộng điểm các tiêu chí", unit.score, sum(f.max_score for f in unit.fields), self_score))
    rows.append(total("Điểm thưởng", unit.bonus))
    rows.append(total("Điểm trừ", -unit.penalty if unit.penalty else 0.0))
    rows.append(total("Điểm điều tra xã hội học", unit.survey if unit.survey is not None else "chưa có"))
    rows.append(total("TỔNG ĐIỂM", unit.total, unit.attainable, unit.self_total))
    rows.append(total("CHỈ SỐ CCHC (%)", unit.index, 100.0, unit.self_index))
    rows.append(total("Xếp loại", f"{unit.band} — {unit.band_label}" if unit.band else "—"))
    rows.append(total("Xếp hạng trong nhóm", unit.rank))
    return rows


def unit_caption(unit: UnitScores, group: CouncilGroup, year: int) -> str:
    sub = f"hồ sơ {unit.submission_id}" if unit.submission_id else "chưa có hồ sơ tự đánh giá đã kiểm tra"
    text = f"{unit.unit} — {group.title} — năm {year} — {sub}"
    if unit.unconfirmed:
        text += (f" — {len(unit.unconfirmed)} đề xuất của kiemchung chưa được thẩm định viên xác nhận "
                 "(không tính điểm)")
    return text


def rank_rows(group: CouncilGroup) -> list[list[Value]]:
    own = {u.unit: u for u in group.units}
    out: list[list[Value]] = []
    for entry in group.ranking.overall:
        u = own[entry.unit]
        out.append([u.rank, u.unit, u.self_total, u.score, u.bonus, u.penalty, u.survey, u.total, u.attainable,
                    u.index, u.band or ""])
    return out


def field_rank_headers(group: CouncilGroup) -> list[str]:
    return [f"{h.stt or h.code}. {h.title}" for h in group.fields]


def field_rank_rows(group: CouncilGroup) -> list[list[Value]]:
    """Per unit (ranking order): the sub-index and rank of each field."""
    out: list[list[Value]] = []
    for u in group.units:
        row: list[Value] = [u.unit]
        for h in group.fields:
            part = next((f for f in u.fields if f.code == h.code), None)
            row += [part.index if part else None, part.rank if part else None]
        out.append(row)
    return out


def criterion_rank_rows(group: CouncilGroup) -> list[list[Value]]:
    """Per criterion: STT, code, title, maximum, then each unit's sub-index and rank."""
    parts = {u.unit: {c.code: c for f in u.fields for c in f.criteria} for u in group.units}
    out: list[list[Value]] = []
    for h in group.criteria:
        row: list[Value] = [h.stt, h.code, h.title, h.max_score]
        for u in group.units:
            c = parts[u.unit].get(h.code)
            row += [c.index if c else None, c.rank if c else None]
        out.append(row)
    return out


def generated_line(generated_at: str) -> str:
    return f"Lập lúc {local_time(generated_at)} (giờ Việt Nam) bởi kiemchung."


def fmt(value: Value) -> str:
    """A value as printed in a DOCX cell: numbers with a decimal comma, empty for None."""
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        return score(float(value))
    return value

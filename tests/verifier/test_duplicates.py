"""DUPLICATE_EVIDENCE across units, on real generated documents (docgen → ingest → extract).

A plan copied from another unit with the name changed (the copy scanned, so read by OCR) is
flagged in both submissions; the province's decision attached by every unit, and two
districts that number their plans alike, are not.
"""

from __future__ import annotations

import datetime as dt

import pytest

import extractors
import ingest
from models.report import FindingCode as F
from models.report import Severity
from tests.support.docgen import AdminDocument, rasterize_scan, render_pdf
from verifier import (
    EvidenceFile,
    apply_duplicates,
    duplicate_findings,
    findings_for,
    fingerprint,
    fingerprints,
    load_rubric,
    verify,
)
from verifier.duplicates import DocumentFingerprint, masked_words, unit_phrases

from .docs import claim, sheet

D = dt.date
PLAN_BODY = [
    "Căn cứ Kế hoạch số 144/KH-UBND ngày 28/12/2023 của UBND tỉnh Đồng Nai về cải cách hành chính năm 2024;",
    "{short} ban hành Kế hoạch cải cách hành chính năm 2024 như sau:",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "Triển khai đồng bộ, hiệu quả các nhiệm vụ cải cách hành chính của tỉnh tại {short}; gắn cải cách hành chính "
    "với thực hiện nhiệm vụ chuyên môn, nâng cao chất lượng phục vụ người dân, doanh nghiệp.",
    "II. NHIỆM VỤ TRỌNG TÂM",
    "1. Rà soát, đơn giản hóa thủ tục hành chính {field}; công khai đầy đủ trên Cổng dịch vụ công của tỉnh.",
    "2. Đẩy mạnh số hóa hồ sơ, kết quả giải quyết thủ tục hành chính; tái sử dụng dữ liệu đã số hóa.",
    "3. Sắp xếp tổ chức bộ máy tinh gọn; sử dụng công chức theo vị trí việc làm được phê duyệt.",
    "III. TỔ CHỨC THỰC HIỆN",
    "Văn phòng {short} chủ trì theo dõi, đôn đốc các phòng, đơn vị thực hiện Kế hoạch này; tổng hợp báo cáo "
    "theo quy định.",
]
OTHER_BODY = [
    "Căn cứ Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ;",
    "I. MỤC TIÊU",
    "Nâng cao chất lượng giải quyết hồ sơ đất đai, giảm số hồ sơ trễ hạn tại Bộ phận Một cửa của huyện; "
    "phấn đấu không còn hồ sơ phải bổ sung quá một lần.",
    "II. NHIỆM VỤ",
    "1. Hoàn thành số hóa sổ hộ tịch lưu trữ từ năm 2010; cập nhật dữ liệu vào hệ thống dùng chung của tỉnh.",
    "2. Tổ chức đối thoại với doanh nghiệp trên địa bàn về thủ tục đầu tư, xây dựng mỗi quý một lần.",
    "3. Kiểm tra đột xuất việc tiếp nhận hồ sơ tại các xã, thị trấn; công khai kết quả trên trang thông tin.",
]

XL_BODY = [
    "Căn cứ Quyết định số 1143/QĐ-UBND ngày 24/4/2024 của UBND tỉnh về Bộ tiêu chí Chỉ số cải cách hành chính;",
    "I. YÊU CẦU",
    "Khắc phục ngay các tiêu chí bị trừ điểm năm trước: báo cáo định kỳ chậm, tỷ lệ hồ sơ trực tuyến thấp, "
    "chưa kiểm tra đủ các xã, thị trấn.",
    "II. GIẢI PHÁP",
    "1. Giao Phòng Nội vụ theo dõi thời hạn gửi báo cáo, nhắc việc trên hệ thống văn bản điện tử.",
    "2. Hỗ trợ người dân nộp hồ sơ trực tuyến tại Bộ phận Một cửa bằng đội tình nguyện viên thanh niên.",
    "3. Mỗi xã, thị trấn được kiểm tra ít nhất một lần; kết quả công bố tại hội nghị giao ban quý.",
]


def plan(issuer, parent, short, number, issued, field, body=PLAN_BODY):
    return AdminDocument(issuer=issuer, parent_issuer=parent, place="Đồng Nai", number=number, issued_on=issued,
                         type_line="KẾ HOẠCH", title=f"Cải cách hành chính năm 2024 của {short}",
                         body=[p.format(short=short, field=field) for p in body], signer_name="Nguyễn Văn An")


DECISION = AdminDocument(
    issuer="ỦY BAN NHÂN DÂN TỈNH ĐỒNG NAI", parent_issuer=None, place="Đồng Nai", number="1502/QĐ-UBND",
    issued_on=D(2024, 5, 15), type_line="QUYẾT ĐỊNH",
    title="Về việc công bố danh mục thủ tục hành chính được sửa đổi, bổ sung",
    body=["CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH ĐỒNG NAI", "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
          "Căn cứ Nghị định số 63/2010/NĐ-CP ngày 08/6/2010 của Chính phủ về kiểm soát thủ tục hành chính;",
          "QUYẾT ĐỊNH:", "Điều 1. Công bố kèm theo Quyết định này danh mục thủ tục hành chính được sửa đổi, bổ sung.",
          "Điều 2. Quyết định này có hiệu lực thi hành kể từ ngày ký.",
          "Điều 3. Thủ trưởng các sở, ban, ngành, Chủ tịch UBND các huyện chịu trách nhiệm thi hành Quyết định này."],
    signing_mode="KT.", signer_title="CHỦ TỊCH", deputy_title="PHÓ CHỦ TỊCH", signer_name="Trần Quốc Bảo")

UNITS = {
    "stp": "Sở Tư pháp tỉnh Đồng Nai",
    "snv": "Sở Nội vụ tỉnh Đồng Nai",
    "xl": "UBND huyện Xuân Lộc",
    "dq": "UBND huyện Định Quán",
}


@pytest.fixture(scope="module")
def batch(session_settings, tmp_path_factory):
    root = tmp_path_factory.mktemp("units")
    docs = {
        "stp": {"01-KH-CCHC-2024.pdf": render_pdf(plan("SỞ TƯ PHÁP", "UBND TỈNH ĐỒNG NAI", "Sở Tư pháp", "15/KH-STP",
                                                       D(2024, 1, 20), "lĩnh vực hộ tịch, chứng thực"))},
        # the same plan with the name changed, printed, signed and scanned
        "snv": {"01-KH-CCHC-2024.pdf": rasterize_scan(render_pdf(plan(
            "SỞ NỘI VỤ", "UBND TỈNH ĐỒNG NAI", "Sở Nội vụ", "08/KH-SNV", D(2024, 1, 22), "lĩnh vực hộ tịch, chứng thực")),
            dpi=200, noise=4.0, jpeg_quality=45, seed=3)},
        "xl": {"01-KH-CCHC-2024.pdf": render_pdf(plan("ỦY BAN NHÂN DÂN HUYỆN XUÂN LỘC", None, "UBND huyện Xuân Lộc",
                                                       "10/KH-UBND", D(2024, 1, 10), "lĩnh vực đất đai", body=XL_BODY))},
        "dq": {"01-KH-CCHC-2024.pdf": render_pdf(plan("ỦY BAN NHÂN DÂN HUYỆN ĐỊNH QUÁN", None, "UBND huyện Định Quán",
                                                       "10/KH-UBND", D(2024, 1, 12), "lĩnh vực nông nghiệp",
                                                       body=OTHER_BODY))},
    }
    decision = render_pdf(DECISION)
    files: dict[str, list[EvidenceFile]] = {}
    for key, entries in docs.items():
        folder = root / key
        folder.mkdir()
        for name, data in {**entries, "07-QD-cong-bo-TTHC.pdf": decision}.items():
            (folder / name).write_bytes(data)
        paths = sorted(folder.iterdir())
        ing = ingest.ingest_files([ingest.Entry(name=p.name, path=p, kind=ingest.detect_kind(p)) for p in paths],
                                  settings=session_settings)
        files[key] = [EvidenceFile(f, extractors.extract(f)) for f in ing]
    rubric = load_rubric("par-reference")
    reports, fps = {}, []
    for key, fs in files.items():
        s = sheet(claim("1.1.1", 1, "01-KH-CCHC-2024.pdf"), claim("3.1.1", 1, "1502/QĐ-UBND"), unit=UNITS[key])
        reports[key] = verify(s, rubric, fs)
        fps += fingerprints(reports[key], fs, rubric)
    return files, reports, fps, duplicate_findings(fps)


def test_copy_with_the_name_changed_is_flagged_in_both_units(batch):
    _files, _reports, fps, found = batch
    flagged = {k for k, v in found.items() if v}
    assert flagged == {(UNITS["stp"], "01-KH-CCHC-2024.pdf"), (UNITS["snv"], "01-KH-CCHC-2024.pdf")}
    f = found[(UNITS["snv"], "01-KH-CCHC-2024.pdf")][0]
    assert f.code == F.DUPLICATE_EVIDENCE and f.severity == Severity.WARNING
    assert "Sở Tư pháp tỉnh Đồng Nai" in f.message and "15/KH-STP" in f.message and "sau khi bỏ tên đơn vị" in f.message
    assert f.evidence and f.evidence[0].file == "01-KH-CCHC-2024.pdf" and f.evidence[0].page == 1


def test_province_decision_and_alike_numbers_are_not_duplicates(batch):
    _files, _reports, fps, found = batch
    dec = [fp for fp in fps if fp.file == "07-QD-cong-bo-TTHC.pdf"]
    assert len({fp.sha256 for fp in dec}) == 1 and not any(fp.own for fp in dec)  # the province's, not the units'
    xl = next(fp for fp in fps if fp.unit == UNITS["xl"] and fp.file.startswith("01-"))
    dq = next(fp for fp in fps if fp.unit == UNITS["dq"] and fp.file.startswith("01-"))
    assert xl.number == dq.number == "10/KH-UBND" and xl.issuer_key != dq.issuer_key
    assert (UNITS["xl"], xl.file) not in found and (UNITS["dq"], dq.file) not in found


def test_fingerprints_are_small(batch):
    _files, _reports, fps, _found = batch
    assert all(len(fp.model_dump_json()) < 4000 for fp in fps)
    stp = next(fp for fp in fps if fp.unit == UNITS["stp"] and fp.file.startswith("01-"))
    assert stp.own and stp.own_reason == "issuer" and stp.minhash and stp.shingles >= 40


def test_apply_attaches_to_the_criteria_using_the_file_and_changes_no_verdict(batch):
    _files, reports, _fps, found = batch
    before = reports["snv"]
    after = apply_duplicates(before, findings_for(found, UNITS["snv"]))
    b, a = ({c.code: c for c in r.criteria} for r in (before, after))
    assert F.DUPLICATE_EVIDENCE in {f.code for f in a["1.1.1"].findings}
    assert F.DUPLICATE_EVIDENCE not in {f.code for f in a["3.1.1"].findings}
    assert all((a[k].verdict, a[k].supported_score) == (b[k].verdict, b[k].supported_score) for k in b)
    assert not any(f.code == F.DUPLICATE_EVIDENCE for f in before.criteria[0].findings)  # input untouched
    assert any("trùng" in n for fs in after.files if fs.name.startswith("01-") for n in fs.notes)
    assert apply_duplicates(before, {}) is before


def _fp(unit, file, **kw):
    return DocumentFingerprint(unit=unit, file=file, own=True, own_reason="cited", **kw)


def test_same_file_and_same_number_and_issuer():
    fps = [_fp("A", "a.pdf", sha256="1" * 64), _fp("B", "b.pdf", sha256="1" * 64),
           _fp("A", "c.pdf", number="5/BC-X", number_key="5BCX", issuer_key="so x"),
           _fp("C", "d.pdf", number="5/BC-X", number_key="5BCX", issuer_key="so x"),
           _fp("D", "e.pdf", number="5/BC-X", number_key="5BCX", issuer_key="so y"),
           DocumentFingerprint(unit="E", file="f.pdf", sha256="1" * 64, own=False)]  # attached, not presented as own
    found = duplicate_findings(fps)
    assert set(found) == {("A", "a.pdf"), ("B", "b.pdf"), ("A", "c.pdf"), ("C", "d.pdf")}
    assert "mã băm SHA-256" in found[("A", "a.pdf")][0].message
    assert "cùng số, ký hiệu và cơ quan ban hành" in found[("C", "d.pdf")][0].message
    assert duplicate_findings([_fp("A", "a.pdf", sha256="2" * 64), _fp("A", "b.pdf", sha256="2" * 64)]) == {}


def test_unit_names_are_masked_as_phrases():
    assert "so tu phap" in unit_phrases("Sở Tư pháp tỉnh Đồng Nai")
    assert "xuan loc" in unit_phrases("UBND huyện Xuân Lộc")
    a = masked_words("Sở Tư pháp báo cáo; lĩnh vực tư pháp", ["Sở Tư pháp tỉnh Đồng Nai"])
    b = masked_words("Sở Nội vụ báo cáo; lĩnh vực tư pháp", ["Sở Nội vụ tỉnh Đồng Nai"])
    assert a == b  # only the name is masked, not the word "tư pháp" elsewhere


def test_unreadable_file_has_no_text_signature(batch):
    files, _r, _f, _d = batch
    ef = files["stp"][0]
    broken = EvidenceFile(ef.ingested.model_copy(update={"status": "error"}), ef.extraction)
    fp = fingerprint(broken, UNITS["stp"])
    assert not fp.own and not fp.minhash and fp.sha256 == ef.ingested.sha256

"""Red seals: OCR the red channel (``PageJob.drop_red``, the default) or plain gray?

Input: three Decree-30 documents from ``tests.support.docgen`` (``render_pdf``; different
issuers, numbers, signers, one "KT." block with a deputy title), scanned with
``rasterize_scan(red_seal=True)`` at 300 dpi, two seeds each: a red seal is stamped over the
left of the signature block on the last page.  Each last page goes through ``run_page_job``
twice, ``drop_red=False`` (gray render) and ``drop_red=True`` (red channel).

Figures, against the words of the source page (multiset, order-free: the two-column header
makes edit distance meaningless here): recall, precision (all words, and words with
confidence >= 0.6, what a consumer that trusts confident words sees), how many signer titles
(the line the seal covers) come through, and the time per page.
"""

from __future__ import annotations

import datetime
import time
from collections import Counter
from pathlib import Path

import pymupdf

from bench.common import target

SEEDS = (3, 5)


def documents():
    from tests.support.docgen import AdminDocument, render_pdf

    specs = [
        ("SỞ NỘI VỤ", "UBND TỈNH ĐỒNG NAI", "15/KH-SNV", "Nguyễn Văn An", None, None),
        ("SỞ TƯ PHÁP", "UBND TỈNH BÌNH DƯƠNG", "231/BC-STP", "Trần Thị Bích Ngọc", "KT.", "PHÓ GIÁM ĐỐC"),
        ("UBND HUYỆN LONG THÀNH", None, "1143/QĐ-UBND", "Lê Hoàng Phúc", None, None),
    ]
    body = ["Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
            "Căn cứ Quyết định số 1143/QĐ-UBND ngày 24/4/2024 của UBND tỉnh Đồng Nai;",
            "Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn đạt 73,03%."]
    out = []
    for issuer, parent, number, signer, mode, deputy in specs:
        doc = AdminDocument(issuer=issuer, parent_issuer=parent, number=number, place="Đồng Nai",
                            issued_on=datetime.date(2024, 1, 15), type_line="KẾ HOẠCH",
                            title="Cải cách hành chính năm 2024", body=body, signer_name=signer,
                            signing_mode=mode, deputy_title=deputy)
        out.append((doc, render_pdf(doc)))
    return out


def run(workdir: Path) -> dict:
    from dataclasses import replace

    import ingest  # noqa: F401
    from bench.bench_ingest_ocr import job_for, norm_text
    from ingest.ocr import close_documents, run_page_job
    from tests.support.docgen import rasterize_scan

    tallies = {False: Counter(), True: Counter()}
    cases = []
    for seed in SEEDS:
        for doc, src in documents():
            source = pymupdf.open(stream=src, filetype="pdf")
            ref = Counter(norm_text(source[-1].get_text()).split())
            last = source.page_count - 1
            source.close()
            path = workdir / f"seal-{doc.number.replace('/', '-')}-{seed}.pdf"
            path.write_bytes(rasterize_scan(src, dpi=300, red_seal=True, seed=seed))
            title = doc.signer_title.upper()
            for drop in (False, True):
                job = replace(job_for(path, last), drop_red=drop)
                t0 = time.perf_counter()
                page = run_page_job(job).page
                seconds = time.perf_counter() - t0
                hyp = Counter(norm_text(page.text).split())
                sure = Counter(norm_text(" ".join(w.text for w in page.words if w.confidence >= 0.6)).split())
                t = tallies[drop]
                t["ref"] += sum(ref.values())
                t["hyp"] += sum(hyp.values())
                t["hit"] += sum((ref & hyp).values())
                t["sure"] += sum(sure.values())
                t["sure_hit"] += sum((ref & sure).values())
                t["titles"] += title in norm_text(page.text)
                t["seconds"] += seconds
                t["pages"] += 1
                cases.append({"doc": doc.number, "seed": seed, "drop_red": drop, "words": sum(hyp.values()),
                              "recall": round(sum((ref & hyp).values()) / sum(ref.values()), 4),
                              "title_found": title in norm_text(page.text), "seconds": round(seconds, 2)})
            close_documents()

    def figures(t: Counter) -> dict:
        return {"recall": round(t["hit"] / t["ref"], 4), "precision": round(t["hit"] / t["hyp"], 4),
                "precision_conf_0_6": round(t["sure_hit"] / max(t["sure"], 1), 4),
                "recall_conf_0_6": round(t["sure_hit"] / t["ref"], 4),
                "signer_titles_found": t["titles"], "pages": t["pages"],
                "seconds_per_page": round(t["seconds"] / t["pages"], 3)}

    gray, red = figures(tallies[False]), figures(tallies[True])
    return {
        "description": "red-seal pages: red-channel OCR vs gray OCR",
        "how": f"3 docgen Decree-30 documents x seeds {SEEDS}, rasterize_scan(dpi=300, red_seal=True); "
               "last page OCR'd with drop_red False/True; word multisets vs the source page",
        "metrics": {"gray": gray, "red_channel": red, "cases": cases},
        "targets": {
            "seal_word_recall_gain": target((red["recall"] - gray["recall"]) * 100, ">", 0.0, "pp"),
            "seal_confident_precision_loss": target((gray["precision_conf_0_6"] - red["precision_conf_0_6"]) * 100,
                                                    "<=", 1.0, "pp"),
            "signer_titles_recovered": target(red["signer_titles_found"] - gray["signer_titles_found"], ">", 0, "pages"),
        },
    }

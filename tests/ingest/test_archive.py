import io
import zipfile

import pytest

from ingest import expand_submission
from models.errors import ErrorCode
from models.pages import FileKind

from .builders import VIET_LINES, png_bytes, text_pdf, write
from .test_detect import xlsx_bytes

PDF = text_pdf(VIET_LINES[:3])


def make_zip(path, entries, *, encrypted=(), compression=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", compression=compression) as zf:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = compression
            zf.writestr(info, data)
    if encrypted:  # set the "encrypted" flag bit in both headers, as a real encrypting zipper does
        data = bytearray(path.read_bytes())
        for name in encrypted:
            raw = name.encode()
            for sig, flag_off, name_off in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
                pos = 0
                while (pos := data.find(sig, pos)) >= 0:
                    if data[pos + name_off: pos + name_off + len(raw)] == raw:
                        data[pos + flag_off] |= 0x1
                    pos += 4
        path.write_bytes(bytes(data))
    return path


def codes(expanded):
    return {r.name: r.error.code for r in expanded.rejected}


def test_folder_walk_skips_hidden_and_classifies(tmp_path, settings):
    root = tmp_path / "sub"
    write(root, "1. Kế hoạch/kh.pdf", PDF)
    write(root, "anh.png", png_bytes())
    write(root, "tu-danh-gia.xlsx", xlsx_bytes())
    write(root, ".DS_Store", b"\x00\x00\x00\x01Bud1")
    write(root, ".git/config", b"[core]")
    write(root, "__MACOSX/._kh.pdf", b"junk")
    write(root, "rong.pdf", b"")
    write(root, "readme.docx", b"PK\x03\x04garbage")
    out = expand_submission(root, tmp_path / "work", settings)
    kinds = {e.name: e.kind for e in out.entries}
    assert kinds == {"1. Kế hoạch/kh.pdf": FileKind.PDF, "anh.png": FileKind.PNG, "tu-danh-gia.xlsx": FileKind.XLSX}
    assert [e.name for e in out.evidence] == ["1. Kế hoạch/kh.pdf", "anh.png"]
    assert [e.name for e in out.sheets] == ["tu-danh-gia.xlsx"]
    assert codes(out)["rong.pdf"] == ErrorCode.EMPTY_FILE
    assert "readme.docx" in codes(out)


def test_zip_extracts_evidence_and_sheet(tmp_path, settings):
    z = make_zip(tmp_path / "s.zip", {"ho-so/kh.pdf": PDF, "ho-so/tu-danh-gia.xlsx": xlsx_bytes(),
                                      "ho-so/": b""})
    out = expand_submission(z, tmp_path / "work", settings)
    assert {e.name: e.kind for e in out.entries} == {"ho-so/kh.pdf": FileKind.PDF,
                                                     "ho-so/tu-danh-gia.xlsx": FileKind.XLSX}
    assert not out.rejected
    for e in out.entries:
        assert e.path.is_file() and (tmp_path / "work") in e.path.parents


def test_unsafe_paths_rejected_alone(tmp_path, settings):
    z = make_zip(tmp_path / "s.zip", {"../x.pdf": PDF, "/etc/evil.pdf": PDF, "a/../../y.pdf": PDF,
                                      "C:/win.pdf": PDF, "ok.pdf": PDF})
    out = expand_submission(z, tmp_path / "work", settings)
    assert [e.name for e in out.entries] == ["ok.pdf"]
    assert set(codes(out).values()) == {ErrorCode.UNSAFE_PATH}
    assert len(out.rejected) == 4
    assert not (tmp_path / "x.pdf").exists() and not (tmp_path / "y.pdf").exists()


def test_nested_archive_rejected_but_xlsx_kept(tmp_path, settings):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("a.pdf", PDF)
    z = make_zip(tmp_path / "s.zip", {"inner.zip": inner.getvalue(), "sheet.xlsx": xlsx_bytes(),
                                      "inner-renamed.pdf": inner.getvalue()})
    out = expand_submission(z, tmp_path / "work", settings)
    assert [e.name for e in out.entries] == ["sheet.xlsx"]
    assert codes(out) == {"inner.zip": ErrorCode.NESTED_ARCHIVE, "inner-renamed.pdf": ErrorCode.NESTED_ARCHIVE}
    assert "nén" in out.rejected[0].error.message_vi


def test_encrypted_entry_rejected(tmp_path, settings):
    z = make_zip(tmp_path / "s.zip", {"secret.pdf": PDF, "ok.pdf": PDF}, encrypted={"secret.pdf"})
    out = expand_submission(z, tmp_path / "work", settings)
    assert [e.name for e in out.entries] == ["ok.pdf"]
    assert codes(out) == {"secret.pdf": ErrorCode.ENCRYPTED_ARCHIVE_ENTRY}


def test_zip_bomb_entry_rejected(tmp_path, settings):
    z = make_zip(tmp_path / "s.zip", {"bomb.pdf": b"\x00" * (20 * 1024 * 1024), "ok.pdf": PDF})
    info = zipfile.ZipFile(z).getinfo("bomb.pdf")
    assert info.file_size / info.compress_size > 500
    out = expand_submission(z, tmp_path / "work", settings)
    assert [e.name for e in out.entries] == ["ok.pdf"]
    assert codes(out) == {"bomb.pdf": ErrorCode.ZIP_BOMB}
    assert not (tmp_path / "work" / "bomb.pdf").exists()


def test_zip_total_and_entry_caps(tmp_path):
    from models.settings import Settings

    z = make_zip(tmp_path / "s.zip", {f"f{i}.pdf": PDF for i in range(5)})
    few = Settings(data_dir=tmp_path / "d", zip_max_entries=3)
    out = expand_submission(z, tmp_path / "w1", few)
    assert not out.entries and codes(out) == {"s.zip": ErrorCode.ZIP_BOMB}
    small = Settings(data_dir=tmp_path / "d", zip_max_total_bytes=len(PDF) * 2)
    out = expand_submission(z, tmp_path / "w2", small)
    assert not out.entries and codes(out) == {"s.zip": ErrorCode.ZIP_BOMB}


def test_declared_size_lie_is_caught(tmp_path, settings):
    """An entry that inflates beyond its declared size (a forged header) is a bomb."""
    z = make_zip(tmp_path / "s.zip", {"a.pdf": PDF}, compression=zipfile.ZIP_STORED)
    data = bytearray(z.read_bytes())
    # shrink the declared uncompressed size in the central directory only
    cd = data.rfind(b"PK\x01\x02")
    declared = int.from_bytes(data[cd + 24: cd + 28], "little")
    data[cd + 24: cd + 28] = (declared // 2).to_bytes(4, "little")
    z.write_bytes(bytes(data))
    out = expand_submission(z, tmp_path / "work", settings)
    assert not out.entries
    assert codes(out)["a.pdf"] in (ErrorCode.ZIP_BOMB, ErrorCode.CORRUPT_ARCHIVE)


def test_corrupt_zip(tmp_path, settings):
    z = write(tmp_path, "s.zip", b"PK\x03\x04" + b"\x00" * 40)
    out = expand_submission(z, tmp_path / "work", settings)
    assert not out.entries and out.rejected[0].error.code == ErrorCode.CORRUPT_ARCHIVE


def test_empty_entry_and_unknown_entry(tmp_path, settings):
    z = make_zip(tmp_path / "s.zip", {"rong.pdf": b"", "word.docx": b"\xd0\xcf\x11\xe0" + b"\x00" * 100})
    out = expand_submission(z, tmp_path / "work", settings)
    assert codes(out) == {"rong.pdf": ErrorCode.EMPTY_FILE, "word.docx": ErrorCode.UNSUPPORTED_TYPE}


def test_legacy_cp437_name_recovered(tmp_path, settings):
    path = tmp_path / "s.zip"
    with zipfile.ZipFile(path, "w") as zf:
        info = zipfile.ZipInfo("kế-hoạch.pdf")
        zf.writestr(info, PDF)
    # rewrite the names as raw UTF-8 bytes without the UTF-8 flag, as old Windows zippers do
    data = bytearray(path.read_bytes())
    for sig, flag_off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        pos = data.find(sig)
        flags = int.from_bytes(data[pos + flag_off: pos + flag_off + 2], "little") & ~0x800
        data[pos + flag_off: pos + flag_off + 2] = flags.to_bytes(2, "little")
    path.write_bytes(bytes(data))
    out = expand_submission(path, tmp_path / "work", settings)
    assert [e.name for e in out.entries] == ["kế-hoạch.pdf"]


def test_single_file_submission(tmp_path, settings):
    out = expand_submission(write(tmp_path, "kh.pdf", PDF), tmp_path / "work", settings)
    assert [e.kind for e in out.entries] == [FileKind.PDF]


# --------------------------------------------------------------------------- entries the disk cannot hold
# Each used to escape expand_submission as an OSError (a 500 in the API); now the entry is rejected alone.

def test_file_and_folder_collision_rejected_alone(tmp_path, settings):
    for order, entries in {"file-first": [("x.pdf", PDF), ("x.pdf/y.pdf", PDF)],
                           "folder-first": [("x.pdf/y.pdf", PDF), ("x.pdf", PDF)]}.items():
        z = tmp_path / f"{order}.zip"
        with zipfile.ZipFile(z, "w") as zf:
            for name, data in entries + [("ok.pdf", PDF)]:
                zf.writestr(name, data)
        out = expand_submission(z, tmp_path / order, settings)
        kept, lost = entries[0][0], entries[1][0]
        assert sorted(e.name for e in out.entries) == sorted([kept, "ok.pdf"]), order
        assert codes(out) == {lost: ErrorCode.UNSAFE_PATH}, order
        vi = out.rejected[0].error.message_vi
        assert "x.pdf" in vi and "thư mục" in vi, vi


def test_overlong_names_and_deep_folders_rejected_alone(tmp_path, settings):
    long_ascii = "a" * 300 + ".pdf"
    long_viet = "Kế hoạch cải cách hành chính " * 10 + ".pdf"  # ~300 characters, over 255 bytes in UTF-8
    deep = "/".join(["d"] * 3000) + "/x.pdf"
    deep_but_short = "/".join(["d"] * 60) + "/x.pdf"
    z = make_zip(tmp_path / "s.zip", {long_ascii: PDF, f"thu-muc/{long_viet}": PDF, deep: PDF,
                                      deep_but_short: PDF, "ok.pdf": PDF})
    out = expand_submission(z, tmp_path / "work", settings)
    assert [e.name for e in out.entries] == ["ok.pdf"]
    assert len(out.rejected) == 4 and {r.error.code for r in out.rejected} == {ErrorCode.UNSAFE_PATH}
    for r in out.rejected:
        assert len(r.name) <= 300 and r.error.message_vi, r.name  # stored and shown: a bounded display name
    assert any("255" in r.error.message_vi for r in out.rejected)


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_rejected_names_stay_unique(tmp_path, settings):
    """Two entries refused under the same name would collide as one submission's file names."""
    z = tmp_path / "s.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("../x.pdf", PDF)
        zf.writestr("../x.pdf", PDF)
        zf.writestr("b" * 400 + "/1.pdf", PDF)
        zf.writestr("b" * 400 + "/2.pdf", PDF)
    out = expand_submission(z, tmp_path / "work", settings)
    names = [r.name for r in out.rejected]
    assert len(names) == 4 and len(set(names)) == 4, names


def test_undecodable_entry_data_is_a_corrupt_archive_entry(tmp_path, settings):
    for method in (zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2):
        z = tmp_path / f"{method}.zip"
        with zipfile.ZipFile(z, "w", method) as zf:
            zf.writestr("a.pdf", PDF * 3)
            zf.writestr("ok.pdf", PDF)
        data = bytearray(z.read_bytes())
        start = data.find(b"a.pdf") + len("a.pdf") + 20  # inside a.pdf's compressed data
        for i in range(start, start + 200):
            data[i] ^= 0x5A
        z.write_bytes(bytes(data))
        out = expand_submission(z, tmp_path / f"w{method}", settings)
        assert [e.name for e in out.entries] == ["ok.pdf"], method
        assert codes(out) == {"a.pdf": ErrorCode.CORRUPT_ARCHIVE}, method


def test_invalid_utf8_names_are_a_corrupt_archive(tmp_path, settings):
    z = make_zip(tmp_path / "s.zip", {"ké.pdf": PDF, "ok.pdf": PDF})
    data = z.read_bytes().replace("ké.pdf".encode(), b"k\xff\xfe.pdf")  # flagged UTF-8, not UTF-8
    z.write_bytes(data)
    out = expand_submission(z, tmp_path / "work", settings)
    assert not out.entries and codes(out) == {"s.zip": ErrorCode.CORRUPT_ARCHIVE}
    assert out.refused is out.rejected[0]


# --------------------------------------------------------------------------- the whole archive refused

def test_whole_archive_refusal_says_why(tmp_path, settings):
    z = tmp_path / "nhieu.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for i in range(5001):
            zf.writestr(f"f{i}.pdf", b"x")
    out = expand_submission(z, tmp_path / "work", settings)
    assert out.refused is not None and out.refused.error.code == ErrorCode.ZIP_BOMB
    assert "5001" in out.refused.error.message and "5000" in out.refused.error.message
    assert "5001" in out.refused.error.message_vi and "5000" in out.refused.error.message_vi
    corrupt = expand_submission(write(tmp_path, "hong.zip", b"PK\x03\x04" + b"\x00" * 40), tmp_path / "w2", settings)
    assert corrupt.refused.error.code == ErrorCode.CORRUPT_ARCHIVE and "hong.zip" in corrupt.refused.error.message_vi
    # a ZIP that opens is never "refused" as a whole, even when every entry is rejected
    enc = make_zip(tmp_path / "enc.zip", {"a.pdf": PDF}, encrypted={"a.pdf"})
    assert expand_submission(enc, tmp_path / "w3", settings).refused is None


def test_random_bytes_named_zip_is_a_corrupt_archive(tmp_path, settings):
    import random

    blob = random.Random(7).randbytes(5000)
    for where in ("alone", "in-folder"):
        root = tmp_path / where
        path = write(root, "x.zip", blob)
        out = expand_submission(path if where == "alone" else root, tmp_path / f"w-{where}", settings)
        assert codes(out) == {"x.zip": ErrorCode.CORRUPT_ARCHIVE}, where
        assert "x.zip" in out.rejected[0].error.message_vi and "ZIP" in out.rejected[0].error.message_vi


def test_nul_in_entry_name_is_unsafe_not_cut(tmp_path, settings):
    """zipfile cuts a name at NUL ("a.pdf\\0.exe" would extract as "a.pdf"): the entry is refused instead."""
    z = make_zip(tmp_path / "s.zip", {"evil.pdf_.exe": PDF, "ok.pdf": PDF})
    z.write_bytes(z.read_bytes().replace(b"evil.pdf_.exe", b"evil.pdf\x00.exe"))
    out = expand_submission(z, tmp_path / "work", settings)
    assert [e.name for e in out.entries] == ["ok.pdf"]
    [bad] = out.rejected
    assert bad.error.code == ErrorCode.UNSAFE_PATH and "\x00" not in bad.name and bad.name.startswith("evil.pdf")


def test_deeply_nested_json_is_still_a_sheet_candidate(tmp_path, settings):
    root = tmp_path / "sub"
    write(root, "bang.json", b"[" * 100_000 + b"]" * 100_000)
    out = expand_submission(root, tmp_path / "work", settings)
    assert [(e.name, e.kind) for e in out.entries] == [("bang.json", FileKind.JSON)]

"""Small PDFs and images built inside the tests (no binary fixtures on disk)."""

from __future__ import annotations

import io
from pathlib import Path

import pymupdf
from PIL import Image

from tests.conftest import CORPUS  # noqa: F401  (re-exported for the ingest tests)

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"

VIET_LINES = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "Số: 1143/QĐ-UBND",
    "Đồng Nai, ngày 24 tháng 4 năm 2024",
    "QUYẾT ĐỊNH",
    "Về việc ban hành Bộ chỉ số cải cách hành chính",
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
    "Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn đạt 73,03%.",
    "Điều 1. Ban hành kèm theo Quyết định này Bộ chỉ số.",
    "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
]


def text_pdf(lines: list[str], *, fontsize: float = 13, width: float = 595, height: float = 842) -> bytes:
    """A born-digital page of Vietnamese text set in DejaVu Serif."""
    doc = pymupdf.open()
    page = doc.new_page(width=width, height=height)
    page.insert_font(fontname="dv", fontfile=FONT)
    y = 90.0
    for line in lines:
        page.insert_text((72, y), line, fontname="dv", fontsize=fontsize)
        y += fontsize * 1.8
    data = doc.tobytes()
    doc.close()
    return data


def raster_pdf(pdf: bytes, *, dpi: int = 250, layer: str | None = None, rotate: int = 0) -> bytes:
    """Rasterise each page (grayscale PNG) into a new image-only PDF; optional invisible junk layer."""
    src = pymupdf.open(stream=pdf, filetype="pdf")
    out = pymupdf.open()
    for page in src:
        pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY, alpha=False)
        img = Image.frombytes("L", (pix.width, pix.height), pix.samples)
        rect = page.rect
        if rotate:
            img = img.rotate(-rotate, expand=True, fillcolor=255)  # clockwise
            if rotate % 180:
                rect = pymupdf.Rect(0, 0, rect.height, rect.width)
        buf = io.BytesIO()
        img.save(buf, format="PNG")
        new = out.new_page(width=rect.width, height=rect.height)
        new.insert_image(new.rect, stream=buf.getvalue())
        if layer:  # invisible (render mode 3), in a font that can encode Vietnamese
            new.insert_font(fontname="dv", fontfile=FONT)
            y = 90.0
            for line in layer.split("\n"):
                new.insert_text((72, y), line, fontname="dv", fontsize=12, render_mode=3)
                y += 22
    data = out.tobytes()
    src.close()
    out.close()
    return data


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def png_bytes(size=(200, 100), color=255, **save) -> bytes:
    buf = io.BytesIO()
    Image.new("L", size, color).save(buf, format="PNG", **save)
    return buf.getvalue()


def zero_page_pdf() -> bytes:
    """A well-formed PDF (correct xref) whose page tree is empty."""
    objs = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[]/Count 0>>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def huge_png_header(width: int = 100_000, height: int = 100_000) -> bytes:
    """A PNG that declares enormous dimensions (a pixel bomb) in a few bytes."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")

"""Every ingest failure, with a stable code (``models.errors.ErrorCode``).

An ``IngestError`` never escapes ``ingest_files``: the pipeline turns it into the
``ErrorInfo`` of the one file (or page) it concerns.  ``message`` is English for logs and
operators; ``message_vi`` is what an appraiser reads.
"""

from __future__ import annotations

from models.errors import ErrorCode, ErrorInfo


class IngestError(Exception):
    code: ErrorCode = ErrorCode.INTERNAL
    message_vi_default: str = "Lỗi nội bộ khi đọc tệp."

    def __init__(self, message: str, message_vi: str | None = None, *, code: ErrorCode | None = None):
        super().__init__(message)
        if code is not None:
            self.code = code
        self.message = message
        self.message_vi = message_vi or self.message_vi_default

    def info(self) -> ErrorInfo:
        return ErrorInfo(code=self.code, message=self.message, message_vi=self.message_vi)


def _error(name: str, code: ErrorCode, vi: str) -> type[IngestError]:
    return type(name, (IngestError,), {"code": code, "message_vi_default": vi, "__doc__": f"{code.value}: {vi}"})


EmptyFile = _error("EmptyFile", ErrorCode.EMPTY_FILE, "Tệp rỗng (0 byte).")
UnsupportedType = _error(
    "UnsupportedType", ErrorCode.UNSUPPORTED_TYPE,
    "Định dạng tệp không được hỗ trợ; chỉ nhận PDF, JPG, PNG, TIFF hoặc tệp nén ZIP của các định dạng này.",
)
FileTooLarge = _error("FileTooLarge", ErrorCode.FILE_TOO_LARGE, "Tệp vượt quá dung lượng cho phép.")
CorruptPdf = _error("CorruptPdf", ErrorCode.CORRUPT_PDF, "Tệp PDF bị hỏng, không đọc được.")
EncryptedPdf = _error(
    "EncryptedPdf", ErrorCode.ENCRYPTED_PDF, "Tệp PDF được đặt mật khẩu; vui lòng nộp bản không có mật khẩu."
)
NoPages = _error("NoPages", ErrorCode.NO_PAGES, "Tệp PDF không có trang nào.")
TooManyPages = _error("TooManyPages", ErrorCode.TOO_MANY_PAGES, "Tệp có quá nhiều trang.")
PixelLimit = _error(
    "PixelLimit", ErrorCode.PIXEL_LIMIT, "Trang hoặc ảnh có kích thước quá lớn, không thể xử lý an toàn."
)
CorruptImage = _error("CorruptImage", ErrorCode.CORRUPT_IMAGE, "Tệp ảnh bị hỏng, không đọc được.")
ZipBomb = _error(
    "ZipBomb", ErrorCode.ZIP_BOMB, "Tệp nén có kích thước giải nén bất thường (nghi tệp nén độc hại); đã bỏ qua."
)
UnsafePath = _error(
    "UnsafePath", ErrorCode.UNSAFE_PATH, "Tên tệp trong tệp nén có đường dẫn không an toàn; đã bỏ qua tệp này."
)
NestedArchive = _error(
    "NestedArchive", ErrorCode.NESTED_ARCHIVE,
    "Tệp nén nằm trong tệp nén không được hỗ trợ; vui lòng giải nén và nộp trực tiếp các tệp bên trong.",
)
EncryptedArchiveEntry = _error(
    "EncryptedArchiveEntry", ErrorCode.ENCRYPTED_ARCHIVE_ENTRY,
    "Tệp trong tệp nén được đặt mật khẩu; không thể đọc.",
)
CorruptArchive = _error("CorruptArchive", ErrorCode.CORRUPT_ARCHIVE, "Tệp nén bị hỏng, không giải nén được.")
OcrTimeout = _error("OcrTimeout", ErrorCode.OCR_TIMEOUT, "Nhận dạng chữ (OCR) trang này quá thời gian cho phép.")
OcrFailed = _error("OcrFailed", ErrorCode.OCR_FAILED, "Không nhận dạng được chữ (OCR) trên trang này.")
InternalError = _error("InternalError", ErrorCode.INTERNAL, "Lỗi nội bộ khi đọc tệp.")

TRANSIENT_CODES = frozenset({ErrorCode.OCR_TIMEOUT, ErrorCode.OCR_FAILED, ErrorCode.INTERNAL})
"""Failures that may not repeat: results carrying them are never cached."""

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

    def __init__(self, message: str, message_vi: str | None = None, *, code: ErrorCode | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.message = message
        self.message_vi = message_vi or self.message_vi_default

    def __init_subclass__(cls, **kwargs: object) -> None:
        """A failure declared without a docstring documents itself as ``CODE: message_vi_default``."""
        super().__init_subclass__(**kwargs)
        if cls.__doc__ is None:
            cls.__doc__ = f"{cls.code.value}: {cls.message_vi_default}"

    def info(self) -> ErrorInfo:
        return ErrorInfo(code=self.code, message=self.message, message_vi=self.message_vi)


class EmptyFile(IngestError):
    code = ErrorCode.EMPTY_FILE
    message_vi_default = "Tệp rỗng (0 byte)."


class UnsupportedType(IngestError):
    code = ErrorCode.UNSUPPORTED_TYPE
    message_vi_default = (
        "Định dạng tệp không được hỗ trợ; chỉ nhận PDF, JPG, PNG, TIFF hoặc tệp nén ZIP của các định dạng này."
    )


class FileTooLarge(IngestError):
    code = ErrorCode.FILE_TOO_LARGE
    message_vi_default = "Tệp vượt quá dung lượng cho phép."


class CorruptPdf(IngestError):
    code = ErrorCode.CORRUPT_PDF
    message_vi_default = "Tệp PDF bị hỏng, không đọc được."


class EncryptedPdf(IngestError):
    code = ErrorCode.ENCRYPTED_PDF
    message_vi_default = "Tệp PDF được đặt mật khẩu; vui lòng nộp bản không có mật khẩu."


class NoPages(IngestError):
    code = ErrorCode.NO_PAGES
    message_vi_default = "Tệp PDF không có trang nào."


class TooManyPages(IngestError):
    code = ErrorCode.TOO_MANY_PAGES
    message_vi_default = "Tệp có quá nhiều trang."


class PixelLimit(IngestError):
    code = ErrorCode.PIXEL_LIMIT
    message_vi_default = "Trang hoặc ảnh có kích thước quá lớn, không thể xử lý an toàn."


class CorruptImage(IngestError):
    code = ErrorCode.CORRUPT_IMAGE
    message_vi_default = "Tệp ảnh bị hỏng, không đọc được."


class ZipBomb(IngestError):
    code = ErrorCode.ZIP_BOMB
    message_vi_default = "Tệp nén có kích thước giải nén bất thường (nghi tệp nén độc hại); đã bỏ qua."


class UnsafePath(IngestError):
    code = ErrorCode.UNSAFE_PATH
    message_vi_default = "Tên tệp trong tệp nén có đường dẫn không an toàn; đã bỏ qua tệp này."


class NestedArchive(IngestError):
    code = ErrorCode.NESTED_ARCHIVE
    message_vi_default = (
        "Tệp nén nằm trong tệp nén không được hỗ trợ; vui lòng giải nén và nộp trực tiếp các tệp bên trong."
    )


class EncryptedArchiveEntry(IngestError):
    code = ErrorCode.ENCRYPTED_ARCHIVE_ENTRY
    message_vi_default = "Tệp trong tệp nén được đặt mật khẩu; không thể đọc."


class CorruptArchive(IngestError):
    code = ErrorCode.CORRUPT_ARCHIVE
    message_vi_default = "Tệp nén bị hỏng, không giải nén được."


class OcrTimeout(IngestError):
    code = ErrorCode.OCR_TIMEOUT
    message_vi_default = "Nhận dạng chữ (OCR) trang này quá thời gian cho phép."


class OcrFailed(IngestError):
    code = ErrorCode.OCR_FAILED
    message_vi_default = "Không nhận dạng được chữ (OCR) trên trang này."


class InternalError(IngestError):
    code = ErrorCode.INTERNAL
    message_vi_default = "Lỗi nội bộ khi đọc tệp."


TRANSIENT_CODES = frozenset({ErrorCode.OCR_TIMEOUT, ErrorCode.OCR_FAILED, ErrorCode.INTERNAL})
"""Failures that may not repeat: results carrying them are never cached."""

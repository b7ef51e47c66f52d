"""Configuration from environment variables with the ``KIEMCHUNG_`` prefix.

Every limit a bad file could push against lives here, with a sane default.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KIEMCHUNG_", extra="ignore")

    # storage
    data_dir: Path = Path(os.path.expanduser("~/.cache/kiemchung"))
    database_url: str | None = None  # default: sqlite in data_dir
    blob_dir: Path | None = None  # default: data_dir / "blobs"
    redis_url: str | None = None  # set to run on RQ workers instead of in-process
    blob_store: str = "local"  # "local" (blob_dir) or "database" (inside the database: reachable from every machine)
    queue_name: str = "kiemchung"
    job_stale_seconds: float = 90.0  # a started job whose heartbeat is older than this was abandoned
    heartbeat_seconds: float = 10.0
    job_pages: int = 40  # pages per ingest job: longer files are split into page ranges, then merged
    reconcile_seconds: float = 30.0
    max_upload_bytes: int = 1024 * 1024 * 1024  # one HTTP upload (413 beyond)
    session_hours: float = 12.0  # a web sign-in lasts this long (then sign in again)
    # whom people ask for a token, shown on the sign-in page when set (e.g. "Phòng CCHC, Sở Nội vụ, 0251 3822 xxx")
    support_contact: str = ""

    # OCR
    ocr_lang: str = "vie"
    ocr_dpi: int = 300
    ocr_page_timeout: float = 120.0  # seconds per page
    workers: int = 0  # page-pool processes; 0 = number of cores
    layer_min_score: float = 0.75  # text layers scoring below this are OCR'd

    # limits on input
    max_file_bytes: int = 200 * 1024 * 1024
    max_pages: int = 2000
    max_page_pixels: int = 60_000_000  # rendered pixels of one page
    max_image_pixels: int = 120_000_000
    zip_max_entries: int = 5000
    zip_max_total_bytes: int = 2 * 1024 * 1024 * 1024
    zip_max_ratio: float = 200.0
    # the self-assessment sheet, read inside the API request (a real one has ~100-500 rows, ~10 columns)
    sheet_max_rows: int = 5000
    sheet_max_columns: int = 100
    sheet_max_cells: int = 200_000
    sheet_max_bytes: int = 20 * 1024 * 1024  # CSV/JSON file; XLSX: the file and its parts uncompressed
    sheet_max_cell_chars: int = 32_767  # one cell or CSV field (Excel's own limit)
    sheet_max_json_depth: int = 20

    log_level: str = "WARNING"
    log_json: bool = False

    @property
    def resolved_blob_dir(self) -> Path:
        return self.blob_dir or (self.data_dir / "blobs")

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'kiemchung.db'}"

    @property
    def resolved_workers(self) -> int:
        return self.workers or (os.cpu_count() or 1)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()

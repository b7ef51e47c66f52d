"""Migrations build the schema on both databases the product supports."""

from sqlalchemy import inspect

from api.service.store.database import Database

TABLES = {"units", "api_tokens", "blobs", "documents", "pages", "doc_references", "batches", "submissions",
          "submission_files", "criteria_results", "findings", "jobs", "decisions", "page_parts", "alembic_version"}


def _check(url: str) -> None:
    db = Database(url)
    db.migrate()
    db.migrate()  # idempotent
    names = set(inspect(db.engine).get_table_names())
    assert TABLES <= names
    indexes = {i["name"] for i in inspect(db.engine).get_indexes("doc_references")}
    assert {"ix_doc_references_number_key", "ix_doc_references_symbol_lead"} <= indexes
    db.engine.dispose()


def test_migrations_sqlite(tmp_path):
    _check(f"sqlite:///{tmp_path / 'k.db'}")


def test_migrations_postgresql(pg_url):
    _check(pg_url)

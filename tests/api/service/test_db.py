"""Migrations build the schema on both databases the product supports."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from api.service.store.database import Database
from models.tables import Base

TABLES = {"units", "api_tokens", "blobs", "documents", "pages", "doc_references", "batches", "submissions",
          "submission_files", "criteria_results", "findings", "jobs", "decisions", "page_parts", "alembic_version",
          "campaigns", "campaign_groups", "campaign_units", "campaign_events", "round_scores", "explanations",
          "additional_files", "survey_scores"}


def _check(url: str) -> None:
    db = Database(url)
    db.migrate()
    db.migrate()  # idempotent
    names = set(inspect(db.engine).get_table_names())
    assert TABLES <= names
    indexes = {i["name"] for i in inspect(db.engine).get_indexes("doc_references")}
    assert {"ix_doc_references_number_key", "ix_doc_references_symbol_lead"} <= indexes
    with db.engine.connect() as conn:  # the migrations build exactly what the models declare
        drift = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert drift == [], drift
    db.engine.dispose()


def test_migrations_sqlite(tmp_path):
    _check(f"sqlite:///{tmp_path / 'k.db'}")


def test_migrations_postgresql(pg_url):
    _check(pg_url)

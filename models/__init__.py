"""Typed data shared by every kiemchung package.

Packages depend downward: api -> verifier -> extractors -> ingest -> models.
Nothing in ``models`` imports from the other packages.
"""

PIPELINE_VERSION = "0.4.2"
"""Bumped whenever ingest or extraction output changes; part of cache keys."""

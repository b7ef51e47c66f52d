"""submission withdrawal: a withdrawn submission is kept, with who withdrew it, when and why

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 16:50:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_by_label', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_reason', sa.Text(), nullable=True))
        batch_op.create_foreign_key('fk_submissions_withdrawn_by', 'api_tokens', ['withdrawn_by'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_constraint('fk_submissions_withdrawn_by', type_='foreignkey')
        batch_op.drop_column('withdrawn_reason')
        batch_op.drop_column('withdrawn_by_label')
        batch_op.drop_column('withdrawn_by')
        batch_op.drop_column('withdrawn_at')

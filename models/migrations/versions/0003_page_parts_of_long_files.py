"""page parts of long files

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 13:57:11.887842
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('page_parts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('pipeline_version', sa.String(length=32), nullable=False),
    sa.Column('first_page', sa.Integer(), nullable=False),
    sa.Column('last_page', sa.Integer(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('sha256', 'pipeline_version', 'first_page', name='uq_page_parts_range')
    )
    with op.batch_alter_table('page_parts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_page_parts_sha256'), ['sha256'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('page_parts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_page_parts_sha256'))

    op.drop_table('page_parts')

"""rechecks: kiemchung's second reading of a questioned criterion after the unit's additional files or
explanations (round 2's machine help)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 13:30:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rechecks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.String(length=64), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('submission_id', sa.String(length=32), nullable=True),
    sa.Column('basis', sa.String(length=64), nullable=False),
    sa.Column('files', sa.Integer(), nullable=False),
    sa.Column('explanations', sa.Integer(), nullable=False),
    sa.Column('verdict', sa.String(length=24), nullable=False),
    sa.Column('supported_score', sa.Float(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('round_score_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_score_id'], ['round_scores.id'], ),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('rechecks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rechecks_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index('ix_rechecks_current', ['campaign_id', 'unit_id', 'code', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rechecks_unit_id'), ['unit_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('rechecks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rechecks_unit_id'))
        batch_op.drop_index('ix_rechecks_current')
        batch_op.drop_index(batch_op.f('ix_rechecks_campaign_id'))

    op.drop_table('rechecks')

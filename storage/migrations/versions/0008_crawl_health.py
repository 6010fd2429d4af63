"""crawl health: run problems, list counts, worker

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-02 06:37:19.720755
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('crawl_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('items_seen', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('list_pages', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('list_entries', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('worker', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('problems', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('crawl_runs', schema=None) as batch_op:
        batch_op.drop_column('problems')
        batch_op.drop_column('worker')
        batch_op.drop_column('list_entries')
        batch_op.drop_column('list_pages')
        batch_op.drop_column('items_seen')


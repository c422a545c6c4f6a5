"""on-call rotas: a team and tier on shift types

Revision ID: 0005
Revises: 0004

A shift type with a team is an on-call rota for the technicians of its tier (docs/design.md §4);
existing types keep NULL in both columns: they stay desk duty.
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('shift_type', schema=None) as batch_op:
        batch_op.add_column(sa.Column('team', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column('tier', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('shift_type', schema=None) as batch_op:
        batch_op.drop_column('tier')
        batch_op.drop_column('team')

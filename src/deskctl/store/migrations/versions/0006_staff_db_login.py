"""staff db_login: the database login mapped to a staff member (team mode)

Revision ID: 0006
Revises: 0001
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = '0006'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.add_column(sa.Column('db_login', sqlmodel.sql.sqltypes.AutoString(length=63), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_staff_db_login'), ['db_login'])


def downgrade() -> None:
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_staff_db_login'), type_='unique')
        batch_op.drop_column('db_login')

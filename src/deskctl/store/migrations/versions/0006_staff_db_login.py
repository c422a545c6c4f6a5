"""staff db_login: the database login mapped to a staff member (team mode)

Revision ID: 0006
Revises: 0005

A column and a unique index, no table rebuild: on SQLite a rebuild of `staff` (batch mode, which
a unique constraint would need) drops a table other tables' foreign keys name, refused with
foreign keys on inside the upgrade's transaction.
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.add_column(sa.Column('db_login', sqlmodel.sql.sqltypes.AutoString(length=63), nullable=True))
    op.create_index('uq_staff_db_login', 'staff', ['db_login'], unique=True)


def downgrade() -> None:
    op.drop_index('uq_staff_db_login', table_name='staff')
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_column('db_login')

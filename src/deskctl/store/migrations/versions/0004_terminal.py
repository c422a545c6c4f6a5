"""ticket templates; the ticket search index (FTS5 trigram, kept by triggers)

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import deskctl.store.types

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# Ticket search (deskctl/store/search.py): title, description, reporter, the text of note and
# feedback events, and the resolution, for every ticket (rowid = ticket id). A later revision
# that rebuilds the `ticket` or `event` table (batch mode) must create these triggers again.
SEARCH_SQLITE = [
    "CREATE VIRTUAL TABLE ticket_search USING fts5("
    "title, description, reporter, notes, resolution, tokenize='trigram')",
    "INSERT INTO ticket_search(rowid, title, description, reporter, notes, resolution) "
    "SELECT t.id, t.title, t.description, t.reporter, "
    "COALESCE((SELECT group_concat(json_extract(e.details, '$.text'), char(10)) FROM event e "
    "WHERE e.entity = 'ticket' AND e.entity_id = t.id AND e.kind IN ('note', 'feedback')), ''), "
    "t.resolution FROM ticket t",
    "CREATE TRIGGER ticket_search_insert AFTER INSERT ON ticket BEGIN "
    "INSERT INTO ticket_search(rowid, title, description, reporter, notes, resolution) "
    "VALUES (new.id, new.title, new.description, new.reporter, '', new.resolution); END",
    "CREATE TRIGGER ticket_search_update AFTER UPDATE OF title, description, reporter, resolution ON ticket "
    "BEGIN UPDATE ticket_search SET title = new.title, description = new.description, "
    "reporter = new.reporter, resolution = new.resolution WHERE rowid = new.id; END",
    "CREATE TRIGGER ticket_search_delete AFTER DELETE ON ticket BEGIN "
    "DELETE FROM ticket_search WHERE rowid = old.id; END",
    "CREATE TRIGGER ticket_search_note AFTER INSERT ON event "
    "WHEN new.entity = 'ticket' AND new.kind IN ('note', 'feedback') BEGIN "
    "UPDATE ticket_search SET notes = notes || char(10) || COALESCE(json_extract(new.details, '$.text'), '') "
    "WHERE rowid = new.entity_id; END",
]


def upgrade() -> None:
    op.create_table('ticket_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('system', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('priority', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('impact', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('urgency', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('created_at', deskctl.store.types.UTCDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    if op.get_bind().dialect.name == "sqlite":
        for statement in SEARCH_SQLITE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("insert", "update", "delete", "note"):
            op.execute(f"DROP TRIGGER IF EXISTS ticket_search_{trigger}")
        op.execute("DROP TABLE IF EXISTS ticket_search")
    op.drop_table('ticket_template')

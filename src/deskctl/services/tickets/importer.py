"""`deskctl ticket import FILE`: CSV or JSON, validated whole before anything is written."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from datetime import tzinfo
from pathlib import Path

from sqlmodel import Session

from deskctl.config import Config
from deskctl.errors import InvalidInput, NotFound
from deskctl.i18n import _
from deskctl.services.inputs import parse_json
from deskctl.services.tickets.lifecycle import open_ticket
from deskctl.timeparse import Clock, parse_instant

FIELDS = (
    "title", "reporter", "contact", "system", "category", "priority", "impact", "urgency",
    "channel", "description", "opened_at",
)
MAX_ROWS = 100_000


_EXTRA_CELLS = "\0extra"  # DictReader's key for cells beyond the header (never a real column)


def read_rows(path: Path, text: str | None = None) -> list[dict]:
    """Rows as dicts, from JSON (a list of objects, or {"tickets": [...]}) or CSV with a header."""
    if text is None:
        if not path.exists():
            raise NotFound(_("no file {path}").format(path=path))
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidInput(_("{path} is not UTF-8 text").format(path=path)) from None
        except OSError as exc:
            raise InvalidInput(_("cannot read {path}: {strerror}").format(path=path, strerror=exc.strerror)) from None
    text = text.removeprefix("\ufeff")  # Excel's BOM, on stdin as in a file
    stripped = text.lstrip()
    if not stripped:
        raise InvalidInput(_("{path} is empty").format(path=path))
    if path.suffix.lower() == ".json" or stripped[0] in "[{":
        data = parse_json(text, str(path))
        if isinstance(data, dict) and isinstance(data.get("tickets"), list):
            data = data["tickets"]
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise InvalidInput(_("{path}: expected a JSON list of ticket objects").format(path=path))
        return data
    reader = csv.DictReader(io.StringIO(text), restkey=_EXTRA_CELLS)
    if not reader.fieldnames or "title" not in reader.fieldnames:
        raise InvalidInput(_("{path}: CSV needs a header row with at least title and reporter").format(path=path))
    rows = []
    try:
        for number, row in enumerate(reader, start=1):
            rows.append(_csv_row(path, number, row, reader))
    except csv.Error as exc:
        raise InvalidInput(_(
                "{path}: CSV line {line_num}: {exc}"
            ).format(path=path, line_num=reader.line_num, exc=exc)) from None
    return rows


def _csv_row(path: Path, number: int, row: dict, reader: csv.DictReader) -> dict:
    extra = row.get(_EXTRA_CELLS)
    if extra is not None:
        assert reader.fieldnames is not None  # read_rows checked the header
        raise InvalidInput(_(
            "{path}: row {number} (line {line}) has {extra} more cell(s) than the header's {header}; quote cells "
            "that hold commas"
        ).format(path=path, number=number, line=reader.line_num, extra=len(extra), header=len(reader.fieldnames)))
    return row


def import_tickets(
    *,
    session: Session,
    clock: Clock,
    actor: str,
    config: Config,
    tz: tzinfo,
    rows: list[dict],
    progress: Callable[[Iterable], Iterable] = lambda it: it,
) -> dict:
    """Open every row as a ticket in the caller's one transaction; the first bad row stops all."""
    if not rows:
        raise InvalidInput(_("nothing to import: the file holds no rows"))
    if len(rows) > MAX_ROWS:
        raise InvalidInput(_("{n} rows is more than the {max} one import takes; split the file").format(
            n=len(rows), max=MAX_ROWS))
    now = clock.now()
    ids = []
    for number, row in enumerate(progress(rows), start=1):
        unknown = sorted(set(row) - set(FIELDS))
        if unknown:
            raise InvalidInput(_("row {number}: unknown field(s) {unknown} (known: {known})").format(
                number=number, unknown=", ".join(map(str, unknown)), known=", ".join(FIELDS)))
        values = {k: ("" if v is None else str(v)) for k, v in row.items()}
        opened_at = None
        if values.get("opened_at"):
            try:
                opened_at = parse_instant(values["opened_at"], tz=tz, now=now)
            except InvalidInput as exc:
                raise InvalidInput(_(
                        "row {number}: opened_at: {message}"
                    ).format(number=number, message=exc.message)) from None
            if opened_at > now:
                raise InvalidInput(_("row {number}: opened_at is in the future").format(number=number))
        try:
            view = open_ticket(
                session=session, clock=clock, actor=actor, config=config, tz=tz,
                title=values.get("title", ""), reporter=values.get("reporter", ""),
                contact=values.get("contact", ""), system=values.get("system", ""),
                category=values.get("category", ""), priority=values.get("priority") or None,
                impact=values.get("impact") or None, urgency=values.get("urgency") or None,
                channel=values.get("channel") or "phone", description=values.get("description", ""),
                opened_at=opened_at, event_kind="imported",
            )
        except InvalidInput as exc:
            raise InvalidInput(_(
                    "row {number}: {message}; nothing was imported"
                ).format(number=number, message=exc.message)) from None
        ids.append(view["id"])
    return {"imported": len(ids), "first_id": ids[0], "last_id": ids[-1]}

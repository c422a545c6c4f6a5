"""`deskctl ticket import`: files and stdin, the summary line and JSON, the one-line error and
its exit code, --tz. What is read and refused: tests/services/test_ticket_import.py."""

from __future__ import annotations

import json

import pytest

AS = ("--as", "zhang")


def _rows(n=5, bad_row=None):
    rows = []
    for i in range(1, n + 1):
        rows.append({"title": f"fault {i}", "reporter": f"user {i}", "system": "vpn",
                     "priority": "P9" if i == bad_row else "P3", "opened_at": f"2026-11-2{i % 3}T08:0{i}:00"})
    return rows


def _csv(rows):
    lines = [",".join(rows[0])] + [",".join(str(v) for v in r.values()) for r in rows]
    return "\n".join(lines) + "\n"


def _write(desk, name, text):
    path = desk.root / name
    path.write_text(text, encoding="utf-8")
    return path


def _nothing_imported(desk):
    assert desk.json("ticket", "list", "--status", "all") == []
    assert desk.json("audit", "log", "--entity", "ticket") == []


def test_ticket_import_csv(staffed):
    path = _write(staffed, "t.csv", _csv(_rows(5)))
    res = staffed.run(*AS, "ticket", "import", str(path))
    assert res.exit_code == 0, res.stderr
    assert res.stdout == "imported 5 tickets (1–5)\n"
    first = staffed.json("ticket", "show", "1")
    assert (first["title"], first["opened_by"], first["opened_at"]) == ("fault 1", "zhang", "2026-11-21T08:01:00+08:00")


def test_ticket_import_json(staffed):
    path = _write(staffed, "a.json", json.dumps(_rows(2), ensure_ascii=False))
    assert staffed.json(*AS, "ticket", "import", str(path)) == {"imported": 2, "first_id": 1, "last_id": 2}


def test_ticket_import_bad_row_exits_2_and_imports_nothing(staffed):
    path = _write(staffed, "bad.csv", _csv(_rows(5, bad_row=3)))
    res = staffed.run(*AS, "ticket", "import", str(path))
    assert res.exit_code == 2
    assert res.stdout == ""
    assert res.stderr.startswith("deskctl: error: row 3: ") and res.stderr.count("\n") == 1
    assert "P9" in res.stderr and "nothing was imported" in res.stderr
    _nothing_imported(staffed)


def test_ticket_import_tz_option_reads_times_in_that_zone(staffed):
    path = _write(staffed, "gap.json", json.dumps([{"title": "a", "reporter": "r", "opened_at": "2026-03-29 02:30"}]))
    res = staffed.run(*AS, "--tz", "Europe/Berlin", "ticket", "import", str(path))
    assert res.exit_code == 2
    assert "does not exist" in res.stderr  # the spring-forward gap in Berlin, not in Shanghai
    _nothing_imported(staffed)
    staffed.ok(*AS, "ticket", "import", str(path))
    assert staffed.json("ticket", "show", "1")["opened_at"] == "2026-03-29T02:30:00+08:00"


def test_ticket_import_missing_file_exits_3(staffed):
    res = staffed.run(*AS, "ticket", "import", str(staffed.root / "nope.csv"))
    assert res.exit_code == 3
    assert res.stderr.startswith("deskctl: error: ") and "nope.csv" in res.stderr


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_ticket_import_from_stdin(staffed, fmt):
    rows = _rows(3)
    text = _csv(rows) if fmt == "csv" else json.dumps(rows)
    out = staffed.json(*AS, "ticket", "import", "-", input=text)
    assert out == {"imported": 3, "first_id": 1, "last_id": 3}
    assert len(staffed.json("ticket", "list")) == 3


def test_ticket_import_stdin_with_bom(staffed):
    res = staffed.run(*AS, "ticket", "import", "-", input="\ufefftitle,reporter\n打印机,r\n")
    assert res.exit_code == 0, res.stderr
    assert [t["title"] for t in staffed.json("ticket", "list")] == ["打印机"]

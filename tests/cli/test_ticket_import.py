"""`deskctl ticket import`: CSV or JSON, all or nothing, a clear report of the first bad row."""

from __future__ import annotations

import json

import pytest

AS = ("--as", "zhang")
HEADER = "title,reporter,system,priority,opened_at\n"


def _rows(n=5, bad_row=None, bad=("P9", "priority")):
    rows = []
    for i in range(1, n + 1):
        row = {"title": f"fault {i}", "reporter": f"user {i}", "system": "vpn", "priority": "P3",
               "opened_at": f"2026-11-2{i % 3}T08:0{i}:00"}
        if i == bad_row:
            row[bad[1]] = bad[0]
        rows.append(row)
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
    listed = staffed.json("ticket", "list", "--limit", "10")
    assert sorted(t["title"] for t in listed) == [f"fault {i}" for i in range(1, 6)]
    first = staffed.json("ticket", "show", "1")
    assert (first["reporter"], first["system"], first["priority"], first["opened_by"]) == (
        "user 1", "vpn", "P3", "zhang")
    assert first["opened_at"] == "2026-11-21T08:01:00+08:00"
    assert [e["kind"] for e in first["timeline"]] == ["imported"]


def test_ticket_import_json_list_and_wrapped(staffed):
    rows = _rows(2)
    path = _write(staffed, "a.json", json.dumps(rows, ensure_ascii=False))
    assert staffed.json(*AS, "ticket", "import", str(path)) == {"imported": 2, "first_id": 1, "last_id": 2}
    path = _write(staffed, "b.json", json.dumps({"tickets": rows}))
    assert staffed.json(*AS, "ticket", "import", str(path)) == {"imported": 2, "first_id": 3, "last_id": 4}
    assert len(staffed.json("ticket", "list")) == 4


def test_ticket_import_json_nulls_and_chinese(staffed):
    rows = [{"title": "打印机卡纸", "reporter": "行政部 张女士", "priority": None, "impact": "high",
             "urgency": "high", "description": None}]
    path = _write(staffed, "c.json", json.dumps(rows, ensure_ascii=False))
    staffed.ok(*AS, "ticket", "import", str(path))
    t = staffed.json("ticket", "show", "1")
    assert (t["title"], t["reporter"], t["priority"], t["description"]) == ("打印机卡纸", "行政部 张女士", "P1", "")


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_ticket_import_bad_row_3_of_5_imports_nothing(staffed, fmt):
    rows = _rows(5, bad_row=3)
    text = _csv(rows) if fmt == "csv" else json.dumps(rows)
    path = _write(staffed, f"bad.{fmt}", text)
    res = staffed.run(*AS, "ticket", "import", str(path))
    assert res.exit_code == 2
    assert res.stdout == ""
    assert res.stderr.startswith("deskctl: error: row 3: ")
    assert "P9" in res.stderr and "nothing was imported" in res.stderr
    _nothing_imported(staffed)


@pytest.mark.parametrize(
    ("bad", "snippet"),
    [
        (("", "reporter"), "reporter must not be empty"),
        (("", "title"), "title must not be empty"),
        (("2026-02-30", "opened_at"), "opened_at"),
        (("2027-01-01", "opened_at"), "in the future"),
        (("fax", "priority"), "fax"),
    ],
)
def test_ticket_import_bad_value_names_the_row(staffed, bad, snippet):
    path = _write(staffed, "bad.json", json.dumps(_rows(4, bad_row=2, bad=bad)))
    res = staffed.run(*AS, "ticket", "import", str(path))
    assert res.exit_code == 2
    assert res.stderr.startswith("deskctl: error: row 2: ")
    assert snippet in res.stderr
    _nothing_imported(staffed)


def test_ticket_import_dst_gap_in_opened_at_refused(staffed):
    rows = [{"title": "a", "reporter": "r", "opened_at": "2026-03-29 02:30"}]
    path = _write(staffed, "gap.json", json.dumps(rows))
    res = staffed.run(*AS, "--tz", "Europe/Berlin", "ticket", "import", str(path))
    assert res.exit_code == 2
    assert "does not exist" in res.stderr
    _nothing_imported(staffed)


def test_ticket_import_unknown_field_exits_2(staffed):
    rows = _rows(3)
    rows[1]["colour"] = "red"
    path = _write(staffed, "u.json", json.dumps(rows))
    res = staffed.run(*AS, "ticket", "import", str(path))
    assert res.exit_code == 2
    assert "row 2: unknown field(s) colour" in res.stderr
    _nothing_imported(staffed)


def test_ticket_import_unknown_csv_column_exits_2(staffed):
    path = _write(staffed, "u.csv", "title,reporter,colour\na,r,red\n")
    res = staffed.run(*AS, "ticket", "import", str(path))
    assert res.exit_code == 2
    assert "colour" in res.stderr
    _nothing_imported(staffed)


def test_ticket_import_csv_row_with_extra_cells_and_unknown_column_exits_2(staffed):
    path = _write(staffed, "x.csv", "title,reporter,colour\na,r,red,extra\n")
    res = staffed.run(*AS, "ticket", "import", str(path))
    assert res.exit_code == 2, res.stderr
    _nothing_imported(staffed)


def test_ticket_import_csv_row_with_extra_cells_says_so(staffed):
    path = _write(staffed, "x.csv", "title,reporter\na,r\nb,r,extra\n")
    res = staffed.run(*AS, "ticket", "import", str(path))
    assert res.exit_code == 2
    assert "row 2" in res.stderr and "None" not in res.stderr


def test_ticket_import_bad_json_names_the_line(staffed):
    path = _write(staffed, "b.json", '[\n  {"title": "a", "reporter": "r"},\n  {"title": "b", "reporter": }\n]\n')
    res = staffed.run(*AS, "ticket", "import", str(path))
    assert res.exit_code == 2
    assert "invalid JSON at line 3" in res.stderr
    _nothing_imported(staffed)


@pytest.mark.parametrize(
    ("name", "text", "snippet"),
    [
        ("o.json", '{"title": "a", "reporter": "r"}', "expected a JSON list"),
        ("n.json", "[1, 2]", "expected a JSON list"),
        ("e.json", "[]", "nothing to import"),
        ("h.csv", "title,reporter\n", "nothing to import"),
        ("blank.csv", "\n\n", "is empty"),
        ("semi.csv", "title;reporter\na;r\n", "header row"),
    ],
)
def test_ticket_import_malformed_files_exit_2(staffed, name, text, snippet):
    path = _write(staffed, name, text)
    res = staffed.run(*AS, "ticket", "import", str(path))
    assert res.exit_code == 2
    assert snippet in res.stderr
    _nothing_imported(staffed)


def test_ticket_import_not_utf8_exits_2(staffed):
    path = staffed.root / "latin.csv"
    path.write_bytes("title,reporter\ncaf\xe9,r\n".encode("latin-1"))
    res = staffed.run(*AS, "ticket", "import", str(path))
    assert res.exit_code == 2
    assert "UTF-8" in res.stderr
    _nothing_imported(staffed)


def test_ticket_import_missing_file_exits_3(staffed):
    res = staffed.run(*AS, "ticket", "import", str(staffed.root / "nope.csv"))
    assert res.exit_code == 3
    assert "nope.csv" in res.stderr


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_ticket_import_from_stdin(staffed, fmt):
    rows = _rows(3)
    text = _csv(rows) if fmt == "csv" else json.dumps(rows)
    out = staffed.json(*AS, "ticket", "import", "-", input=text)
    assert out == {"imported": 3, "first_id": 1, "last_id": 3}
    assert len(staffed.json("ticket", "list")) == 3


def test_ticket_import_by_non_staff_exits_5(staffed):
    path = _write(staffed, "t.csv", _csv(_rows(2)))
    res = staffed.run("--as", "ghost", "ticket", "import", str(path))
    assert res.exit_code == 5
    _nothing_imported(staffed)


def test_ticket_import_nul_and_huge_text_refused(staffed):
    rows = _rows(3)
    rows[2]["title"] = "bad\x00title"
    path = _write(staffed, "nul.json", json.dumps(rows))
    res = staffed.run(*AS, "ticket", "import", str(path))
    assert res.exit_code == 2 and "row 3" in res.stderr and "NUL" in res.stderr
    rows = _rows(3)
    rows[0]["description"] = "x" * (10 * 1024 * 1024)
    path = _write(staffed, "big.json", json.dumps(rows))
    res = staffed.run(*AS, "ticket", "import", str(path))
    assert res.exit_code == 2 and "row 1" in res.stderr and "limits.text_max" in res.stderr
    _nothing_imported(staffed)


def test_ticket_import_user_text_round_trips(staffed):
    titles = ["=HYPERLINK(\"x\")", "[bold]x[/]", "\x1b[2J", "a\u202eb"]
    rows = [{"title": t, "reporter": "r"} for t in titles]
    staffed.ok(*AS, "ticket", "import", str(_write(staffed, "n.json", json.dumps(rows))))
    assert sorted(t["title"] for t in staffed.json("ticket", "list")) == sorted(titles)
    table = staffed.ok("ticket", "list").stdout
    assert "\x1b" not in table and "\u202e" not in table


def test_ticket_import_old_tickets_show_as_breached(staffed):
    rows = [{"title": "old", "reporter": "r", "priority": "P1", "opened_at": "2026-11-20 08:00"}]
    staffed.ok(*AS, "ticket", "import", str(_write(staffed, "old.json", json.dumps(rows))))
    clocks = staffed.json("ticket", "show", "1")["sla"]
    assert clocks["response"]["due_at"] == "2026-11-20T08:15:00+08:00"
    assert [t["id"] for t in staffed.json("ticket", "list", "--breached")] == [1]


def test_ticket_import_file_with_bom(staffed):
    path = staffed.root / "excel.csv"
    path.write_bytes("\ufefftitle,reporter\n打印机,r\n".encode())
    staffed.ok(*AS, "ticket", "import", str(path))
    assert [t["title"] for t in staffed.json("ticket", "list")] == ["打印机"]


def test_ticket_import_stdin_with_bom(staffed):
    res = staffed.run(*AS, "ticket", "import", "-", input="\ufefftitle,reporter\n打印机,r\n")
    assert res.exit_code == 0, res.stderr
    assert [t["title"] for t in staffed.json("ticket", "list")] == ["打印机"]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("title,reporter,description\na,r," + "x" * 200_000 + "\n", "field larger than field limit"),
    ],
    ids=["huge-cell"],
)
def test_ticket_import_unreadable_csv_exits_2(staffed, text, says):
    res = staffed.run(*AS, "ticket", "import", "-", input=text)  # stdin: no newline translation
    assert res.exit_code == 2, res.stderr
    assert says in res.stderr
    _nothing_imported(staffed)


def test_ticket_import_json_with_lone_surrogate_exits_2(staffed):
    res = staffed.run(*AS, "ticket", "import", "-", input='[{"title": "\\ud800", "reporter": "r"}]')
    assert res.exit_code == 2, res.stderr
    assert "lone surrogate" in res.stderr
    _nothing_imported(staffed)


def test_ticket_import_csv_error_names_the_line():
    from pathlib import Path

    from deskctl.errors import InvalidInput
    from deskctl.services.tickets.importer import read_rows

    with pytest.raises(InvalidInput, match="CSV line 1: new-line character"):
        read_rows(Path("-"), text='title,reporter\n"a"b\rc,r\n')

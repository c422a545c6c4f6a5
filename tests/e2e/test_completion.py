"""Completion of values (docs/design.md §13) by the installed program, as bash asks for it:
staff handles, open ticket ids, template and plan names, choices; read-only, no SQLAlchemy
imported, nothing created when the desk does not exist."""

from __future__ import annotations

import pytest


def _complete(desk, *words: str, env: dict[str, str] | None = None) -> list[str]:
    line = ["deskctl", *words]
    res = desk.run(env={"_DESKCTL_COMPLETE": "complete_bash", "COMP_WORDS": " ".join(line),
                        "COMP_CWORD": str(len(line) - (0 if words and words[-1] == "" else 1)), **(env or {})})
    assert res.code == 0, res.err
    return res.out.split()


@pytest.mark.slow
def test_completion_of_handles_ids_templates_and_choices(proc_staffed):
    proc_staffed.ok("ticket", "open", "VPN 无法连接", "-r", "a", env={"DESKCTL_USER": "zhang"})
    proc_staffed.ok("ticket", "template", "add", "vpn", "--title", "VPN 无法连接", env={"DESKCTL_USER": "zhang"})
    active = sorted(s["handle"] for s in proc_staffed.json("staff", "list") if s["active"])
    assert _complete(proc_staffed, "ticket", "assign", "1", "") == active and "zhang" in active
    assert _complete(proc_staffed, "ticket", "assign", "1", "l") == ["lead", "li"]
    assert _complete(proc_staffed, "ticket", "ack", "") == ["1"]
    assert _complete(proc_staffed, "ticket", "open", "--template", "") == ["vpn"]
    assert _complete(proc_staffed, "ticket", "open", "--impact", "") == ["high", "medium", "low"]
    assert _complete(proc_staffed, "shift", "list", "--who", "zh") == ["zhang"]


def test_completion_reads_without_sqlalchemy_and_creates_nothing(proc_staffed, tmp_path):
    res = proc_staffed.run(env={"_DESKCTL_COMPLETE": "complete_bash", "COMP_WORDS": "deskctl ticket assign 1 ",
                                "COMP_CWORD": "4", "PYTHONPROFILEIMPORTTIME": "1"})
    assert res.code == 0 and "zhang" in res.out
    assert "sqlalchemy" not in res.err and "alembic" not in res.err
    missing = tmp_path / "nowhere.db"
    assert _complete(proc_staffed, "ticket", "assign", "1", "", env={"DESKCTL_DB": str(missing)}) == []
    assert not missing.exists()

"""Search (docs/design.md §3): title, description, reporter, notes and resolutions, for Chinese
words inside longer text (FTS5 trigram, store/search.py), kept in step as tickets change."""

from __future__ import annotations

from deskctl.services.tickets import lifecycle, views
from deskctl.services.tickets.edit import edit_ticket
from tests.services.ticket_steps import open_ticket, walk_to


def _found(desk, text: str, **kw) -> list[int]:
    return [t["id"] for t in desk.read(views.list_tickets, statuses=["all"], search=text, **kw)]


def test_search_finds_a_word_inside_a_chinese_resolution(staffed):
    first = walk_to(staffed, "resolved", title="VPN 无法连接")
    walk_to(staffed, "resolved", title="邮箱无法发送")
    open_ticket(staffed, "打印机卡纸")
    # walk_to resolves with its own text; resolve one more with the word inside a long sentence
    third = open_ticket(staffed, "VPN again", priority="P3")["id"]
    staffed.write(lifecycle.assign_ticket, actor="zhang", ticket_id=third, handle="li")
    staffed.write(lifecycle.ack_ticket, actor="li", ticket_id=third)
    staffed.write(lifecycle.resolve_ticket, actor="li", ticket_id=third,
                  resolution="客户端的根证书已过期，更新证书后恢复正常")
    assert _found(staffed, "证书") == [third]  # two characters: a substring scan
    assert _found(staffed, "根证书已过期") == [third]  # three or more: the trigram index
    assert first not in _found(staffed, "证书")
    match = staffed.read(views.list_tickets, statuses=["all"], search="证书")[0]["match"]
    assert match.startswith("resolution: ") and "证书" in match


def test_search_covers_title_description_reporter_notes(staffed):
    open_ticket(staffed, "Printer offline", reporter="销售部 王经理", description="third floor, near the lift")
    open_ticket(staffed, "Mail slow", reporter="HR")
    staffed.write(lifecycle.add_note, actor="zhang", ticket_id=2, text="用户说 Outlook 一直在同步")
    assert _found(staffed, "offline") == [1]
    assert _found(staffed, "王经理") == [1]
    assert _found(staffed, "the lift") == [1]
    assert _found(staffed, "同步") == [2]
    assert _found(staffed, "outlook") == [2]  # case-insensitive
    assert _found(staffed, "nothing like this") == []
    assert _found(staffed, '"50%_') == []  # quotes and wildcards are plain text


def test_search_follows_edits(staffed):
    open_ticket(staffed, "VPN down")
    staffed.write(edit_ticket, actor="zhang", ticket_id=1, title="防火墙策略阻断")
    assert _found(staffed, "VPN down") == []
    assert _found(staffed, "防火墙") == [1]


def test_list_by_reporter_part_of_name(staffed):
    open_ticket(staffed, "a", reporter="财务部 刘女士")
    open_ticket(staffed, "b", reporter="销售部 王经理")
    assert [t["id"] for t in staffed.read(views.list_tickets, reporter="刘")] == [1]

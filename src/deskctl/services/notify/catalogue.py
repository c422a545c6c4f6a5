"""What deskctl tells people about: the events, who hears each by default, the words for whom.

A rule (`notify rule add --event E --to WHO --via CHANNEL`) names a recipient with one of the
words below, a staff handle, or `none`. An event without rules goes to its default recipients
through every channel (docs/notify.md).
"""

from __future__ import annotations

EVENTS: dict[str, tuple[tuple[str, ...], str]] = {
    "ticket.opened": (("on-duty", "supervisor"), "a P1 or P2 ticket was opened"),
    "ticket.assigned": (("assignee",), "a ticket was assigned (dispatched) to someone"),
    "ticket.escalated": (("assignee",), "a ticket was escalated to the next tier"),
    "ticket.released": (("assignee",), "a technician handed a ticket back to tier 1 (the desk)"),
    "ticket.sla_warning": (("assignee",), "75 % of a ticket's response or resolution target is used up"),
    "ticket.breached": (("supervisor",), "a ticket missed its response or resolution target"),
    "inspection.finding": (("owner",), "a failed inspection item opened a ticket for the plan's owner"),
    "inspection.overdue": (("owner",), "an inspection is past its grace window without a run"),
    "shift.no_clock_in": (("person", "supervisor"), "nobody clocked in 10 minutes after a shift started"),
    "handover.not_taken": (("officers",), "a handover was not taken over within shift.handover_window"),
    "improvement.overdue": (("owner",), "an open improvement action is past its due date"),
}

RECIPIENTS: dict[str, str] = {
    "assignee": ("the ticket's assignee; the officers on duty when nobody is assigned; the supervisors when "
                 "nobody is on duty"),
    "on-duty": "the officers (and supervisors) on shift at that instant",
    "supervisor": "every active supervisor",
    "owner": "the plan's or improvement's owner (for an on-duty plan, the officer on duty)",
    "person": "the person whose shift it is",
    "officers": "the outgoing and the incoming officer of a handover",
    "none": "nobody (silences the event on that channel)",
}

KINDS = ("email", "webhook", "wecom", "dingtalk", "feishu", "exec")
ROBOTS = ("wecom", "dingtalk", "feishu")

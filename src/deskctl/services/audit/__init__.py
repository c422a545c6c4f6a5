"""Reading and verifying the audit trail (docs/design.md §3, docs/audit.md).

- `log`: the newest events, and how one event reads;
- `verify`: the hash chain, anchors (`ID:HASH` of the chain head) and the whole check;
- `replay`: each ticket's, shift's and inspection run's events folded and compared with its row.

The names below are the package's interface (`from deskctl.services.audit import audit_log`).
"""

from deskctl.services.audit.log import audit_log, event_view, instants, iter_audit_log
from deskctl.services.audit.verify import (
    Anchor,
    anchor,
    check_anchor,
    head_anchor,
    integrity_check,
    parse_anchor,
    problem_text,
    verify_audit,
    verify_chain,
)

__all__ = [
    "Anchor",
    "anchor",
    "audit_log",
    "iter_audit_log",
    "check_anchor",
    "event_view",
    "head_anchor",
    "instants",
    "integrity_check",
    "parse_anchor",
    "problem_text",
    "verify_audit",
    "verify_chain",
]

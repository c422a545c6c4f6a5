"""Reports and the performance assessment: one module per report, shared helpers in `common`.

Each report is a read-only use case `build(*, session, now, config, tz, period, ...) -> dict`
returning the report's JSON view; every aggregation is pushed into SQL (GROUP BY), so a report
over a million tickets never loads them into Python.
"""

REPORTS = ("daily", "sla", "tickets", "inspections", "attendance", "training", "recurring", "performance")

"""Tickets: the lifecycle (`lifecycle`), reading them (`views`), the SLA calendar as configured
(`sla`), the cron sweep (`sweep`) and bulk import (`importer`)."""

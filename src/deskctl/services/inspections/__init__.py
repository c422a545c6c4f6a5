"""Periodic inspections: plans (`plans`), occurrences and owners (`schedule`), what is due
(`due`), runs and findings (`runs`) and history and compliance (`history`)."""

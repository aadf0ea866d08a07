"""Every write to complaints, cases and outcomes. See the modules for each area."""

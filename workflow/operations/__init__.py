"""What an operator runs beside the workflow: backups and restores, readiness checks (docs/operations/)."""

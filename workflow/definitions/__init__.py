"""Workflow definitions as data: states, transitions, guards, permissions and who hears of each event.

Each module exposes NAME, ENTITY, STATES and TRANSITIONS; workflow/machines.py builds one Machine per module."""

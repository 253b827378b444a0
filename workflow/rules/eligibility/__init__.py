"""The eligibility engine (docs/DOMAIN.md §4): which rule set judges a nomination (`basis`), the facts the rules read
(`facts`), the rules E1–E12 and E14 as pure functions (`rules`), E13 in workflow/rules/competence.py, and the services
that evaluate, appraise and accept warnings (`appraisal`)."""

"""The Emulation–Commendation Council: its rules (from the rule set, overridden per council), members, sessions,
agenda, attendance and quorum, polls, the tally and the minutes."""

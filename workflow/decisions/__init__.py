"""Decisions (Quyết định khen thưởng): drafting from approved nominations, the yearly number register, signing
(which awards, writes the registry and closes the dossiers in the same transaction) and publishing."""

"""The organisation's reference data that people keep: the units catalogue of each authority."""

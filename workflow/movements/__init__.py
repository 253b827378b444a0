"""Emulation movements: launch, unit registrations, yearly unit reports."""

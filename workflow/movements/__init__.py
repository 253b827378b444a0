"""Emulation movements (phong trào thi đua): launch, registrations, unit reports, inspections and reviews."""

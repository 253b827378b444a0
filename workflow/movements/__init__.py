"""Emulation movements (phong trào thi đua): their launch plans and their workflow."""

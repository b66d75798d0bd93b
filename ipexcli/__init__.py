"""ipexcli: FOXP3 (IPEX syndrome) variant annotation with sex-aware X-linked interpretation."""

from __future__ import annotations

# The single source of the version: pyproject.toml reads it (hatch dynamic version), so start-up
# needs no importlib.metadata look-up (which alone costs ~100 ms).
__version__ = "0.1.0"

__all__ = ["__version__"]

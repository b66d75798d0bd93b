"""ipexcli: FOXP3 (IPEX syndrome) variant annotation with sex-aware X-linked interpretation."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ipexcli")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"

__all__ = ["__version__"]

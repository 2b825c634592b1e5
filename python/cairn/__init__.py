"""cairn: version data and models in DVC 3 repositories, fast.

The public API is :class:`Repo`, :class:`Store` and the :class:`Error` hierarchy; ``cairn._core`` is the
private compiled engine binding. The ``cairn`` command-line tool is installed alongside.
"""

from __future__ import annotations

from ._core import __version__
from .errors import (
    ConflictError,
    CorruptError,
    Error,
    InvalidInputError,
    NotFoundError,
    OperationTimeout,
    PermissionDeniedError,
    StorageError,
    UnavailableError,
)
from .repo import Repo
from .store import Store

__all__ = [
    "__version__",
    "Repo",
    "Store",
    "Error",
    "NotFoundError",
    "InvalidInputError",
    "CorruptError",
    "ConflictError",
    "StorageError",
    "PermissionDeniedError",
    "UnavailableError",
    "OperationTimeout",
]

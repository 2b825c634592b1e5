"""cairn: version data and models in DVC 3 repositories, fast.

The public API is :class:`Repo`, :class:`Store`, :class:`Handler` (artifacts) and the :class:`Error` hierarchy; ``cairn._core`` is the
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
from .handler import Artifact, ArtifactFile, Handler, Labels, Metadata, NewArtifact, mock_username
from .repo import Repo
from .store import Store

__all__ = [
    "__version__",
    "Repo",
    "Store",
    "Handler",
    "Labels",
    "Artifact",
    "ArtifactFile",
    "Metadata",
    "NewArtifact",
    "mock_username",
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

"""The exception hierarchy of cairn.

Every engine failure is raised as a subclass of :class:`cairn.Error`, chosen by the engine's
error code (``src/cairn/util/error.h``). The code -> class table below is the only place
where that mapping lives; the compiled module calls :func:`from_code`.
"""

from __future__ import annotations

__all__ = [
    "Error",
    "NotFoundError",
    "InvalidInputError",
    "CorruptError",
    "ConflictError",
    "StorageError",
    "PermissionDeniedError",
    "UnavailableError",
    "OperationTimeout",
    "from_code",
]


class Error(Exception):
    """Base class of every cairn error; ``.code`` is the engine's error code name."""

    code: str = "error"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""


class NotFoundError(Error):
    """A named thing (repository, file, revision, object) does not exist."""

    code = "not_found"


class InvalidInputError(Error):
    """User input (a .dvc file, an argument, a config value) is malformed."""

    code = "invalid_input"


class CorruptError(Error):
    """Stored bytes do not match their name or format."""

    code = "corrupt"


class ConflictError(Error):
    """The operation would overwrite or lose something, or the repository lock is held."""

    code = "conflict"


class StorageError(Error):
    """An operating-system I/O failure (EIO, ENOSPC, ...)."""

    code = "io"


class PermissionDeniedError(Error):
    """Permission denied (EACCES, EPERM, read-only file system)."""

    code = "permission"


class UnavailableError(Error):
    """A server or resource cannot be reached."""

    code = "unavailable"


class OperationTimeout(Error):
    """An operation ran out of time."""

    code = "timeout"


_BY_CODE: dict[str, type[Error]] = {
    cls.code: cls
    for cls in (
        NotFoundError,
        InvalidInputError,
        CorruptError,
        ConflictError,
        StorageError,
        PermissionDeniedError,
        UnavailableError,
        OperationTimeout,
    )
}


def from_code(code: str, message: str) -> Error:
    """Builds the exception for an engine error code (unknown codes give a plain Error)."""
    return _BY_CODE.get(code, Error)(message, code)

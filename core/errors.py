"""Domain errors: raised by services, mapped to HTTP by one handler (core.exceptions)."""


class DomainError(Exception):
    """Base class of every refusal a service can make."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def as_data(self):
        if self.field:
            return {self.field: [self.message]}
        return {"detail": self.message}


class ValidationError(DomainError):
    """Bad input: 400."""

    status_code = 400


class PermissionDenied(DomainError):
    """The caller's role or person may not do this (conflict, separation of duties): 403."""

    status_code = 403


class NotFound(DomainError):
    """Outside the caller's scope or unknown: 404."""

    status_code = 404


class ConflictError(DomainError):
    """Wrong state, expired deadline or stale version: 409."""

    status_code = 409

"""The deposit path's validation: each document in a worker process of the bounded pool, with the limits of
the settings (CHORALE_VALIDATION_TIMEOUT, _MEMORY_MB, _WORKERS, _WAIT), in every deployment including the
embedded default (runserver, tests)."""

from django.conf import settings

from invoices.deposit.validation import validation_config
from invoices.formats import ValidationConfig, ValidationResult
from invoices.formats.pool import ValidationCrashed, ValidationPool, shared_pool

__all__ = ["ValidationCrashed", "get_pool", "validate_bounded"]


def get_pool() -> ValidationPool:
    """This process's pool, started on first use; its workers warm the stylesheets of the settings."""
    return shared_pool(
        workers=settings.CHORALE_VALIDATION_WORKERS,
        warm_config=validation_config(),
        memory_mb=settings.CHORALE_VALIDATION_MEMORY_MB,
    )


def validate_bounded(
    data: bytes, *, filename: str = "", config: ValidationConfig | None = None, allow_plain_pdf: bool = False
) -> ValidationResult:
    """validate_document in a pool worker; a document past a limit gets a CHORALE-VALIDATION-LIMIT finding.
    Raises ValidationCrashed when the validation fails inside the worker (the caller refuses the file)."""
    return get_pool().validate(
        data,
        filename=filename,
        config=config or validation_config(),
        allow_plain_pdf=allow_plain_pdf,
        timeout=settings.CHORALE_VALIDATION_TIMEOUT,
        memory_mb=settings.CHORALE_VALIDATION_MEMORY_MB,
        wait=settings.CHORALE_VALIDATION_WAIT,
    )

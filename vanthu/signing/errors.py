"""Errors of the signing core. Each carries a Vietnamese message a clerk can act on; the
technical cause stays chained (``raise ... from exc``) for the logs."""

from __future__ import annotations

from vanthu.errors import DomainError


class SigningError(DomainError):
    code = "signing_error"


class SignerConfigError(SigningError):
    """The backend was asked for with missing or contradictory parameters."""

    code = "signer_config"


class UnknownBackendError(SignerConfigError):
    code = "signer_unknown_backend"


class BackendNotAvailableError(SigningError):
    """A documented backend whose implementation is not provided yet."""

    code = "signer_backend_not_available"


class KeyFileError(SigningError):
    """A PKCS#12 file that is missing, unreadable or opened with the wrong password."""

    code = "signer_key_file"


class TokenError(SigningError):
    """Base for PKCS#11 token/HSM failures."""

    code = "token_error"


class TokenModuleError(TokenError):
    code = "token_module"


class TokenNotFoundError(TokenError):
    code = "token_not_found"


class WrongPinError(TokenError):
    code = "token_wrong_pin"


class PinLockedError(TokenError):
    code = "token_pin_locked"


class KeyNotFoundError(TokenError):
    code = "token_key_not_found"


class CertificateNotFoundError(TokenError):
    code = "token_certificate_not_found"


class TimestampError(SigningError):
    code = "timestamp_failed"


class DocumentStateError(SigningError):
    """The PDF is not in the state the step expects (e.g. no personal signature yet)."""

    code = "signing_document_state"

"""Imports every model so that Base.metadata knows every table (for Alembic and tests)."""

from registry.accounts.models import LoginFailure, User
from registry.bodies.models import ApiKey, CertificationBody
from registry.certificates.models import Certificate, CertificateEvent, ChainHead
from registry.idempotency.models import IdempotentRequest
from registry.organisations.models import Organisation
from registry.porting.models import PendingUpload
from registry.reports.models import Report
from registry.schemes.models import Scheme
from registry.signing.models import SigningKey
from registry.transparency.models import LogCheckpoint, LogHead, LogTile
from registry.verification.models import StoredReceipt
from registry.watches.models import Delivery, Watch, WatchTarget

__all__ = [
    "ApiKey",
    "Certificate",
    "CertificateEvent",
    "CertificationBody",
    "ChainHead",
    "Delivery",
    "IdempotentRequest",
    "LogCheckpoint",
    "LogHead",
    "LogTile",
    "LoginFailure",
    "Organisation",
    "PendingUpload",
    "Report",
    "Scheme",
    "SigningKey",
    "StoredReceipt",
    "User",
    "Watch",
    "WatchTarget",
]

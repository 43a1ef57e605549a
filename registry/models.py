"""Imports every model so that Base.metadata knows every table (for Alembic and tests)."""

from registry.api.idempotency import IdempotentRequest
from registry.bodies.models import ApiKey, CertificationBody
from registry.certificates.models import Certificate, CertificateEvent, ChainHead
from registry.organisations.models import Organisation
from registry.schemes.models import Scheme
from registry.signing.models import SigningKey
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
    "Organisation",
    "Scheme",
    "SigningKey",
    "StoredReceipt",
    "Watch",
    "WatchTarget",
]

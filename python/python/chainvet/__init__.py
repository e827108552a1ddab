"""chainvet: vet the certificate chains clients present for mutual TLS.

Give it the PEM bundle a client uploaded; it reports every problem at once, each with
a stable code, the certificate concerned and a hint saying how to fix it::

    import chainvet
    validator = chainvet.Validator(chainvet.Policy(leaf_min_lifetime_days=90))
    report = validator.validate(uploaded_pem)
    for finding in report.findings:
        print(finding.severity, finding.code, finding.message, finding.hint)
    if report.accepted:
        register(report.certificates[report.chain.leaf])

Bad certificates are findings, never exceptions. Misuse raises ``TypeError`` or a
``ValueError`` subclass (``PolicyError``, ``FixRefused``). Validation releases the GIL,
and a ``Validator`` may be shared between threads.
"""

from chainvet._native import (
    CertificateInfo,
    Chain,
    Finding,
    FixRefused,
    InternalError,
    Policy,
    PolicyError,
    Repair,
    Report,
    Validator,
    __version__,
    fix,
)

__all__ = [
    "CertificateInfo",
    "Chain",
    "Finding",
    "FixRefused",
    "InternalError",
    "Policy",
    "PolicyError",
    "Repair",
    "Report",
    "Validator",
    "__version__",
    "fix",
]

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

Trust-store mode, for a gateway's peer chains: ``Validator(trust_store=roots)
.validate_presented(leaf, intermediates, usage=..., peer_names=..., max_depth=...)``
builds the path through an unordered pool of intermediates to a configured root.

Beyond validation and repair (``fix``): binding a presented leaf to the certificates a
client registered (``Registration``, ``Binding``, ``Registry``,
``Validator.check_binding`` or ``validate(..., binding=...)``), CSR pre-flight
(``check_csr``), and revocation (OCSP stapled, supplied or fetched, CRLs; statuses on
``Report.revocation``; sans-IO in ``chainvet.ocsp`` and ``Crl``).

Bad certificates are findings, never exceptions. Misuse raises ``TypeError`` or a
``ValueError`` subclass (``PolicyError``, ``FixRefused``, ``RegistrationError``,
``RegistryError``, ``OcspError``, ``CrlError``); a policy, trust store or registry that
does not load raises a ``LoadError`` (``PolicyError`` or ``RegistryError``) whose
``path``, ``line``, ``column`` and ``field`` say where. ``Report``, ``CsrReport`` and
``BindingOutcome`` share their verdict and findings through their base ``Verdict``. Validation releases the GIL (network
fetches included), and a ``Validator`` may be shared between threads;
``await validator.avalidate(...)`` / ``avalidate_presented(...)`` run it in a worker
thread for event loops.

Gateways: ``chainvet.forwarded`` decodes the certificates a proxy forwards in a header
(NGINX, Envoy XFCC, Traefik, AWS ALB); ``chainvet.asgi`` and ``chainvet.wsgi`` hold
``ClientCertificateMiddleware``; ``chainvet.codes`` has every finding code as a
constant. See the package's README for all of it.
"""

from chainvet import codes, forwarded, ocsp
from chainvet._native import (
    Binding,
    BindingOutcome,
    CertificateInfo,
    Chain,
    Crl,
    CrlError,
    CsrInfo,
    CsrReport,
    Finding,
    FixRefused,
    InternalError,
    LoadError,
    OcspError,
    OcspRequest,
    Policy,
    PolicyError,
    Registration,
    RegistrationError,
    Registry,
    RegistryError,
    Repair,
    Report,
    RevocationAnswer,
    RevocationInfo,
    RevocationPolicy,
    SubjectPolicy,
    Validator,
    Verdict,
    __version__,
    check_csr,
    fix,
)

__all__ = [
    "Binding",
    "BindingOutcome",
    "CertificateInfo",
    "Chain",
    "Crl",
    "CrlError",
    "CsrInfo",
    "CsrReport",
    "Finding",
    "FixRefused",
    "InternalError",
    "LoadError",
    "OcspError",
    "OcspRequest",
    "Policy",
    "PolicyError",
    "Registration",
    "RegistrationError",
    "Registry",
    "RegistryError",
    "Repair",
    "Report",
    "RevocationAnswer",
    "RevocationInfo",
    "RevocationPolicy",
    "SubjectPolicy",
    "Validator",
    "Verdict",
    "__version__",
    "check_csr",
    "codes",
    "fix",
    "forwarded",
    "ocsp",
]

"""Type stubs for the native module ``chainvet._native`` (checked by mypy.stubtest)."""

import ipaddress
import os
import ssl
from collections.abc import Coroutine, Iterable, Sequence
from datetime import datetime
from typing import Any, Literal, Protocol, Union, final

from typing_extensions import disjoint_base

__version__: str
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
    "fix",
    "ocsp_evaluate",
    "ocsp_request",
    "ocsp_responder_url",
    "_codes",
    "_restore",
    "_restore_registration",
]

class _DerEncodable(Protocol):
    """A certificate object such as ``cryptography.x509.Certificate``."""

    def public_bytes(self, encoding: Any, /) -> bytes: ...

_Certificate = Union[_DerEncodable, bytes, bytearray, memoryview, str]
# PEM or DER bytes, PEM text (a str is never a path), a file, a certificate object, a TLS
# connection (its peer chain), or any iterable of certificates, leaf first.
_Data = Union[
    bytes,
    bytearray,
    memoryview,
    str,
    os.PathLike[str],
    os.PathLike[bytes],
    _DerEncodable,
    ssl.SSLSocket,
    ssl.SSLObject,
    Iterable[_Certificate],
]
_CacheLimits = Union[Literal["off"], dict[str, dict[str, int]]]
_Path = Union[os.PathLike[str], os.PathLike[bytes]]
# One certificate: PEM or DER bytes, PEM text, a file, a certificate object, or a peer
# chain (leaf first).
_OneCertificate = Union[bytes, bytearray, str, _Path, _DerEncodable, Sequence[_Certificate]]
# A DER item (OCSP response, CSR, CRL) as bytes, a file, or a cryptography object.
_Blob = Union[bytes, bytearray, _Path, _DerEncodable]
_Blobs = Union[_Blob, Sequence[_Blob]]
_TextBlob = Union[bytes, bytearray, str, _Path, _DerEncodable]
# An expected peer name in trust-store mode: a DNS name, an IP address (text or object)
# or an email address.
_PeerName = Union[str, ipaddress.IPv4Address, ipaddress.IPv6Address]
_Severity = Literal["error", "warning", "info"]
_BindingMode = Literal["serial+cn", "serial+cn+issuer", "fingerprint", "spki"]
_Status = Literal["good", "revoked", "unknown", "unavailable", "invalid", "not_checked"]
_AnswerStatus = Literal["good", "revoked", "unknown"]
_Method = Literal["ocsp", "crl"]
_Source = Literal["network", "cache", "stapled", "supplied"]
_Reason = Literal[
    "unspecified",
    "keyCompromise",
    "cACompromise",
    "affiliationChanged",
    "superseded",
    "cessationOfOperation",
    "certificateHold",
    "removeFromCRL",
    "privilegeWithdrawn",
    "aACompromise",
]

_Role = Literal["leaf", "intermediate", "root", "duplicate", "unrelated", "malformed"]

class LoadError(ValueError):
    """A policy, trust store or registry that cannot be loaded: ``FILE:LINE:COL: field: message``."""

    path: Union[str, None]
    file: Union[str, None]
    line: Union[int, None]
    column: Union[int, None]
    field: Union[str, None]
    message: str

class PolicyError(LoadError):
    """A policy or trust store that cannot be used."""

class FixRefused(ValueError):
    """``fix`` cannot repair the bundle; ``.reasons`` says why, ``.report`` has the findings."""

    reasons: list[str]
    report: Report

class InternalError(RuntimeError):
    """A bug in chainvet (a Rust panic), caught so it cannot take the host process down."""

class RegistrationError(ValueError):
    """A certificate or fingerprint that cannot be registered."""

class RegistryError(LoadError):
    """A registry file that cannot be loaded; says where and what."""

class OcspError(ValueError):
    """An OCSP request that cannot be built or a response without a usable status."""

    code: Literal["revocation.unavailable", "revocation.response_invalid"]

class CrlError(ValueError):
    """A CRL that does not parse or gives no usable status for a certificate."""

    code: Literal["revocation.response_invalid"]

@final
class Policy:
    """Every rule the validator applies; ``Policy()`` is the mTLS onboarding default."""

    def __new__(cls, **knobs: Any) -> Policy: ...
    @staticmethod
    def from_toml(text: str) -> Policy: ...
    @staticmethod
    def from_json(text: str) -> Policy: ...
    @staticmethod
    def from_file(path: Union[str, os.PathLike[str]]) -> Policy: ...
    def replace(self, **knobs: Any) -> Policy: ...
    def to_toml(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...
    @property
    def max_input_bytes(self) -> int: ...
    @property
    def max_certificates(self) -> int: ...
    @property
    def leaf_min_lifetime_days(self) -> int: ...
    @property
    def leaf_max_lifetime_days(self) -> int: ...
    @property
    def renewal_window_days(self) -> int: ...
    @property
    def rsa_min_bits(self) -> int: ...
    @property
    def allowed_curves(self) -> list[str]: ...
    @property
    def allowed_key_algorithms(self) -> list[str]: ...
    @property
    def require_client_auth_eku(self) -> bool: ...
    @property
    def require_tls_client_key_usage(self) -> bool: ...
    @property
    def trust_store(self) -> Union[str, None]: ...
    @property
    def subject(self) -> SubjectPolicy: ...
    @property
    def revocation(self) -> RevocationPolicy: ...
    @property
    def severity(self) -> dict[str, str]: ...
    def __eq__(self, other: object, /) -> bool: ...

@final
class SubjectPolicy:
    """Subject rules for the leaf and for CSRs (the ``[subject]`` table)."""

    def __new__(cls, **knobs: Any) -> SubjectPolicy: ...
    def replace(self, **knobs: Any) -> SubjectPolicy: ...
    @property
    def required_attributes(self) -> list[str]: ...
    @property
    def common_names(self) -> list[str]: ...
    @property
    def dns_names(self) -> list[str]: ...
    @property
    def check_country(self) -> bool: ...
    @property
    def is_off(self) -> bool: ...
    def to_dict(self) -> dict[str, Any]: ...
    def __eq__(self, other: object, /) -> bool: ...

@final
class RevocationPolicy:
    """Revocation checking (the ``[revocation]`` table); default soft-fail for the leaf."""

    def __new__(cls, **knobs: Any) -> RevocationPolicy: ...
    def replace(self, **knobs: Any) -> RevocationPolicy: ...
    @property
    def mode(self) -> Literal["off", "soft-fail", "hard-fail"]: ...
    @property
    def scope(self) -> Literal["leaf", "chain"]: ...
    @property
    def prefer(self) -> _Method: ...
    @property
    def require_url(self) -> bool: ...
    @property
    def cert_id_hash(self) -> Literal["sha1", "sha256"]: ...
    @property
    def clock_skew_seconds(self) -> int: ...
    @property
    def max_age_seconds(self) -> int: ...
    @property
    def timeout_ms(self) -> int: ...
    @property
    def max_ocsp_bytes(self) -> int: ...
    @property
    def max_crl_bytes(self) -> int: ...
    @property
    def cache_max_entries(self) -> int: ...
    @property
    def cache_max_bytes(self) -> int: ...
    @property
    def deadline_ms(self) -> int: ...
    @property
    def max_ocsp_urls(self) -> int: ...
    @property
    def max_crl_urls(self) -> int: ...
    @property
    def negative_cache_seconds(self) -> int: ...
    @property
    def allow_destinations(self) -> list[str]: ...
    @property
    def deny_private_destinations(self) -> bool: ...
    @property
    def cache_issuer_share_percent(self) -> int: ...
    def to_dict(self) -> dict[str, Any]: ...
    def __eq__(self, other: object, /) -> bool: ...

@final
class Validator:
    """Vets certificate bundles against one policy; immutable, shareable between threads."""

    def __new__(
        cls,
        policy: Union[Policy, None] = None,
        *,
        trust_store: Union[bytes, str, os.PathLike[str], Sequence[_Certificate], None] = None,
        intermediates: Union[_Data, None] = None,
        offline: bool = False,
        cache_limits: Union[_CacheLimits, None] = None,
    ) -> Validator: ...
    @property
    def policy(self) -> Policy: ...
    @property
    def trust_anchors(self) -> int: ...
    @property
    def intermediates(self) -> tuple[bytes, ...]: ...
    @property
    def offline(self) -> bool: ...
    def cache_limits(self) -> dict[str, dict[str, int]]: ...
    def cache_usage(self) -> dict[str, dict[str, int]]: ...
    def clear_caches(self) -> None: ...
    def avalidate(
        self,
        data: _Data,
        at: Union[datetime, None] = None,
        *,
        binding: Union[Binding, None] = None,
        stapled_ocsp: Union[_Blobs, None] = None,
        ocsp_responses: Union[_Blobs, None] = None,
        crls: Union[_TextBlob, Sequence[_TextBlob], None] = None,
        offline: Union[bool, None] = None,
        ocsp_nonce: bool = False,
    ) -> Coroutine[Any, Any, Report]: ...
    def avalidate_presented(
        self,
        leaf: _Data,
        intermediates: Union[_Data, None] = None,
        *,
        usage: Literal["client", "server"] = "client",
        peer_names: Union[_PeerName, Sequence[_PeerName], None] = None,
        max_depth: Union[int, None] = None,
        at: Union[datetime, None] = None,
        binding: Union[Binding, None] = None,
        stapled_ocsp: Union[_Blobs, None] = None,
        ocsp_responses: Union[_Blobs, None] = None,
        crls: Union[_TextBlob, Sequence[_TextBlob], None] = None,
        offline: Union[bool, None] = None,
        ocsp_nonce: bool = False,
        policy_oids: Union[str, Sequence[str], None] = None,
        explicit_policy: Union[bool, None] = None,
        inhibit_policy_mapping: Union[bool, None] = None,
        inhibit_any_policy: Union[bool, None] = None,
    ) -> Coroutine[Any, Any, Report]: ...
    def validate(
        self,
        data: _Data,
        at: Union[datetime, None] = None,
        *,
        binding: Union[Binding, None] = None,
        stapled_ocsp: Union[_Blobs, None] = None,
        ocsp_responses: Union[_Blobs, None] = None,
        crls: Union[_TextBlob, Crl, Sequence[Union[_TextBlob, Crl]], None] = None,
        offline: Union[bool, None] = None,
        ocsp_nonce: bool = False,
    ) -> Report: ...
    def validate_presented(
        self,
        leaf: _Data,
        intermediates: Union[_Data, None] = None,
        *,
        usage: Literal["client", "server"] = "client",
        peer_names: Union[_PeerName, Sequence[_PeerName], None] = None,
        max_depth: Union[int, None] = None,
        at: Union[datetime, None] = None,
        binding: Union[Binding, None] = None,
        stapled_ocsp: Union[_Blobs, None] = None,
        ocsp_responses: Union[_Blobs, None] = None,
        crls: Union[_TextBlob, Crl, Sequence[Union[_TextBlob, Crl]], None] = None,
        offline: Union[bool, None] = None,
        ocsp_nonce: bool = False,
        policy_oids: Union[str, Sequence[str], None] = None,
        explicit_policy: Union[bool, None] = None,
        inhibit_policy_mapping: Union[bool, None] = None,
        inhibit_any_policy: Union[bool, None] = None,
    ) -> Report: ...
    def fix(self, data: _Data, at: Union[datetime, None] = None) -> bytes: ...
    def repair(self, data: _Data, at: Union[datetime, None] = None) -> Repair: ...
    def check_binding(
        self, presented: _OneCertificate, binding: Binding, at: Union[datetime, None] = None
    ) -> BindingOutcome: ...
    def check_csr(self, data: _TextBlob) -> CsrReport: ...
    def cache_ocsp_response(
        self,
        response: _Blob,
        certificate: _OneCertificate,
        issuer: _OneCertificate,
        *,
        responder: Union[str, None] = None,
        at: Union[datetime, None] = None,
    ) -> RevocationAnswer: ...

@final
class Repair:
    """A repaired bundle with the changes made and the validation of the result."""

    @property
    def pem(self) -> bytes: ...
    @property
    def changes(self) -> list[str]: ...
    @property
    def report(self) -> Report: ...

@disjoint_base
class Verdict:
    """The verdict and findings ``Report``, ``CsrReport`` and ``BindingOutcome`` share."""

    @property
    def accepted(self) -> bool: ...
    @property
    def findings(self) -> tuple[Finding, ...]: ...
    @property
    def errors(self) -> tuple[Finding, ...]: ...
    def has(self, code: str) -> bool: ...
    def to_dict(self) -> dict[str, Any]: ...
    def to_json(self, *, indent: Union[int, None] = None) -> str: ...

@final
class Report(Verdict):
    """The result of vetting one input."""

    @property
    def certificates(self) -> tuple[CertificateInfo, ...]: ...
    @property
    def chain(self) -> Chain: ...
    @property
    def revocation(self) -> tuple[RevocationInfo, ...]: ...
    @property
    def certificate_policies(self) -> Union[tuple[str, ...], None]: ...
    @property
    def validated_at(self) -> datetime: ...
    @staticmethod
    def from_json(text: str) -> Report: ...
    @staticmethod
    def from_dict(data: dict[str, Any]) -> Report: ...

@final
class Finding:
    """One problem (or remark) about the input."""

    @property
    def code(self) -> str: ...
    @property
    def severity(self) -> _Severity: ...
    @property
    def certificate(self) -> Union[int, None]: ...
    @property
    def message(self) -> str: ...
    @property
    def hint(self) -> str: ...
    @property
    def detail(self) -> Union[str, None]: ...
    def to_dict(self) -> dict[str, Any]: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class CertificateInfo:
    """A summary of one certificate of the input."""

    @property
    def index(self) -> int: ...
    @property
    def role(self) -> _Role: ...
    @property
    def subject(self) -> str: ...
    @property
    def issuer(self) -> str: ...
    @property
    def serial(self) -> int: ...
    @property
    def serial_hex(self) -> str: ...
    @property
    def not_before(self) -> datetime: ...
    @property
    def not_after(self) -> datetime: ...
    @property
    def sha256(self) -> str: ...
    @property
    def key(self) -> str: ...
    @property
    def signature_algorithm(self) -> str: ...
    @property
    def self_signed(self) -> bool: ...
    @property
    def dns_names(self) -> list[str]: ...
    @property
    def ip_addresses(self) -> list[str]: ...
    @property
    def emails(self) -> list[str]: ...
    @property
    def uris(self) -> list[str]: ...
    @property
    def spiffe_ids(self) -> list[str]: ...
    @property
    def spki_sha256(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Chain:
    """The chain assembled from the input."""

    @property
    def leaf(self) -> Union[int, None]: ...
    @property
    def leaf_reason(self) -> str: ...
    @property
    def path(self) -> list[int]: ...
    def __eq__(self, other: object, /) -> bool: ...

@final
class RevocationInfo:
    """The revocation status of one certificate of a report, and where it came from."""

    @property
    def certificate(self) -> int: ...
    @property
    def status(self) -> _Status: ...
    @property
    def method(self) -> Union[_Method, None]: ...
    @property
    def source(self) -> Union[_Source, None]: ...
    @property
    def responder(self) -> Union[str, None]: ...
    @property
    def signer(self) -> Union[str, None]: ...
    @property
    def this_update(self) -> Union[datetime, None]: ...
    @property
    def next_update(self) -> Union[datetime, None]: ...
    @property
    def valid_until(self) -> Union[datetime, None]: ...
    @property
    def revoked_at(self) -> Union[datetime, None]: ...
    @property
    def reason(self) -> Union[_Reason, None]: ...
    @property
    def detail(self) -> Union[str, None]: ...
    def to_dict(self) -> dict[str, Any]: ...
    def __eq__(self, other: object, /) -> bool: ...

@final
class RevocationAnswer:
    """A verified statement from an OCSP response or a CRL about one certificate."""

    @property
    def status(self) -> _AnswerStatus: ...
    @property
    def revoked_at(self) -> Union[datetime, None]: ...
    @property
    def reason(self) -> Union[_Reason, None]: ...
    @property
    def method(self) -> _Method: ...
    @property
    def this_update(self) -> datetime: ...
    @property
    def next_update(self) -> Union[datetime, None]: ...
    @property
    def produced_at(self) -> Union[datetime, None]: ...
    @property
    def valid_until(self) -> datetime: ...
    @property
    def signer(self) -> str: ...
    def __eq__(self, other: object, /) -> bool: ...

@final
class Registration:
    """One certificate (or fingerprint or public-key pin) registered for a client."""

    @staticmethod
    def from_certificate(data: _OneCertificate, *, label: Union[str, None] = None) -> Registration: ...
    @staticmethod
    def from_sha256(fingerprint: str, *, label: Union[str, None] = None) -> Registration: ...
    @staticmethod
    def from_spki_sha256(spki_sha256: str, *, label: Union[str, None] = None) -> Registration: ...
    def with_label(self, label: str) -> Registration: ...
    @property
    def label(self) -> str: ...
    @property
    def kind(self) -> Literal["certificate", "sha256", "spki"]: ...
    @property
    def serial(self) -> Union[int, None]: ...
    @property
    def serial_hex(self) -> Union[str, None]: ...
    @property
    def common_name(self) -> Union[str, None]: ...
    @property
    def issuer(self) -> Union[str, None]: ...
    @property
    def subject(self) -> Union[str, None]: ...
    @property
    def sha256(self) -> Union[str, None]: ...
    @property
    def spki_sha256(self) -> Union[str, None]: ...
    @property
    def not_after(self) -> Union[datetime, None]: ...
    def is_active_at(self, at: Union[datetime, None] = None) -> bool: ...
    def to_dict(self) -> dict[str, Any]: ...
    def __eq__(self, other: object, /) -> bool: ...

@final
class Binding:
    """A client's registrations and how a presented leaf is compared with them."""

    def __new__(
        cls,
        registrations: Iterable[Registration],
        *,
        mode: _BindingMode = "serial+cn+issuer",
        max_active: int = 2,
        client: Union[str, None] = None,
    ) -> Binding: ...
    @property
    def registrations(self) -> tuple[Registration, ...]: ...
    @property
    def mode(self) -> _BindingMode: ...
    @property
    def max_active(self) -> int: ...
    @property
    def client(self) -> Union[str, None]: ...
    def __len__(self) -> int: ...

@final
class BindingOutcome(Verdict):
    """The result of checking a presented leaf against a client's registrations."""

    @property
    def matched(self) -> Union[int, None]: ...
    @property
    def registration(self) -> Union[Registration, None]: ...

@final
class Registry:
    """The clients of a registry file, each with its ``Binding``."""

    @staticmethod
    def from_file(path: Union[str, os.PathLike[str]]) -> Registry: ...
    @staticmethod
    def from_toml(text: str, *, base_dir: Union[str, os.PathLike[str], None] = None) -> Registry: ...
    @staticmethod
    def from_json(text: str, *, base_dir: Union[str, os.PathLike[str], None] = None) -> Registry: ...
    def binding_for(self, client: str) -> Binding: ...
    def get(self, client: str) -> Union[Binding, None]: ...
    @property
    def client_ids(self) -> list[str]: ...
    def __len__(self) -> int: ...
    def __contains__(self, client: str, /) -> bool: ...

@final
class CsrReport(Verdict):
    """The result of a CSR pre-flight."""

    @property
    def csr(self) -> Union[CsrInfo, None]: ...

@final
class CsrInfo:
    """What a certificate signing request asks for."""

    @property
    def subject(self) -> str: ...
    @property
    def key(self) -> str: ...
    @property
    def signature_algorithm(self) -> str: ...
    @property
    def dns_names(self) -> list[str]: ...
    def to_dict(self) -> dict[str, Any]: ...
    def __eq__(self, other: object, /) -> bool: ...

@final
class OcspRequest:
    """An OCSP request for one certificate, ready to send."""

    @property
    def der(self) -> bytes: ...
    @property
    def nonce(self) -> Union[bytes, None]: ...
    @property
    def responder_url(self) -> Union[str, None]: ...
    @property
    def hash(self) -> Literal["sha1", "sha256"]: ...
    def get_url(self, responder: Union[str, None] = None) -> str: ...

@final
class Crl:
    """A parsed certificate revocation list."""

    def __new__(cls, data: _TextBlob) -> Crl: ...
    @property
    def this_update(self) -> datetime: ...
    @property
    def next_update(self) -> Union[datetime, None]: ...
    @property
    def der(self) -> bytes: ...
    def is_for(self, certificate: _OneCertificate) -> bool: ...
    def evaluate(
        self,
        certificate: _OneCertificate,
        issuer: _OneCertificate,
        *,
        at: Union[datetime, None] = None,
        policy: Union[Policy, RevocationPolicy, None] = None,
    ) -> RevocationAnswer: ...
    def __len__(self) -> int: ...

def fix(data: _Data, *, policy: Union[Policy, None] = None, at: Union[datetime, None] = None) -> bytes: ...
def check_csr(data: _TextBlob, *, policy: Union[Policy, None] = None) -> CsrReport: ...
def ocsp_request(
    certificate: _OneCertificate,
    issuer: _OneCertificate,
    *,
    nonce: Union[bool, bytes] = False,
    hash: Literal["sha1", "sha256"] = "sha1",
) -> OcspRequest: ...
def ocsp_evaluate(
    response: _Blob,
    certificate: _OneCertificate,
    issuer: _OneCertificate,
    *,
    at: Union[datetime, None] = None,
    nonce: Union[bytes, None] = None,
    policy: Union[Policy, RevocationPolicy, None] = None,
) -> RevocationAnswer: ...
def ocsp_responder_url(certificate: _OneCertificate) -> Union[str, None]: ...

# Private helpers behind chainvet.codes and pickling.
def _codes() -> list[tuple[str, int, str, str]]: ...
def _restore(kind: str, json: str) -> Union[Finding, CertificateInfo]: ...
def _restore_registration(kind: str, value: Union[bytes, str], label: str) -> Registration: ...

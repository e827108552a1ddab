"""The Python API itself: input forms, policies, reports, fix, misuse errors."""

from __future__ import annotations

import json
import os
from pathlib import Path

import chains
import pytest
from cryptography.hazmat.primitives.hashes import SHA256
from chains import NOW, pem
from conftest import SAMPLES

import chainvet

GOOD = chains.chain(("p256", "p256", "p256"), slot=2)
GOOD_PEM = pem(GOOD)


class TestInputForms:
    def test_bytes_str_bytearray_and_path_agree(self, validator: chainvet.Validator, tmp_path: Path) -> None:
        path = tmp_path / "bundle.pem"
        path.write_bytes(GOOD_PEM)
        reports = [
            validator.validate(GOOD_PEM, at=NOW),
            validator.validate(GOOD_PEM.decode(), at=NOW),
            validator.validate(bytearray(GOOD_PEM), at=NOW),
            validator.validate(path, at=NOW),
        ]
        for report in reports:
            assert report.accepted
            assert report.to_dict() == reports[0].to_dict()

    def test_str_is_pem_text_never_a_path(self, validator: chainvet.Validator, tmp_path: Path) -> None:
        """A str naming a readable bundle file is NOT opened: onboarding services pass
        user uploads as text, and an upload must not make the server read files. A str
        that looks like a file name is refused with a hint to pass a Path, whether or
        not the file exists (so text cannot probe the file system)."""
        path = tmp_path / "bundle.pem"
        path.write_bytes(GOOD_PEM)
        for text in (str(path), str(tmp_path / "missing.pem"), "client.crt", "..\\bundle"):
            with pytest.raises(ValueError, match=r"pathlib\.Path") as e:
                validator.validate(text, at=NOW)
            assert "looks like a file name" in str(e.value)
        # Text that is neither PEM nor path-like is still a finding, not an exception.
        as_str = validator.validate("just some words", at=NOW)
        assert not as_str.accepted and as_str.certificates == ()
        assert {f.code for f in as_str.findings} <= {"input.not_pem", "pem.no_certificate"}
        assert validator.validate(Path(str(path)), at=NOW).accepted

    def test_custom_pathlike(self, validator: chainvet.Validator, tmp_path: Path) -> None:
        class Upload(os.PathLike):  # type: ignore[type-arg]
            def __fspath__(self) -> str:
                return str(tmp_path / "upload.pem")

        (tmp_path / "upload.pem").write_bytes(GOOD_PEM)
        assert validator.validate(Upload(), at=NOW).accepted

    def test_missing_file_raises_oserror_naming_it(self, validator: chainvet.Validator, tmp_path: Path) -> None:
        missing = tmp_path / "nope.pem"
        with pytest.raises(FileNotFoundError, match="nope.pem"):
            validator.validate(missing)

    def test_oversized_file_is_a_finding_not_read_whole(self, tmp_path: Path) -> None:
        path = tmp_path / "big.pem"
        path.write_bytes(GOOD_PEM + b"\n" * 5000)
        validator = chainvet.Validator(chainvet.Policy(max_input_bytes=len(GOOD_PEM) + 10))
        report = validator.validate(path, at=NOW)
        assert [f.code for f in report.findings] == ["input.too_large"]
        assert str(len(GOOD_PEM) + 11) in report.findings[0].message  # read limit + 1 bytes

    def test_cryptography_certificates(self, validator: chainvet.Validator) -> None:
        # A list (leaf first) is the peer chain as a TLS stack hands it over.
        report = validator.validate(GOOD, at=NOW)
        assert report.accepted
        assert [c.sha256 for c in report.certificates] == [
            c.fingerprint(SHA256()).hex() for c in GOOD
        ]
        # Mixed DER bytes and objects, tuple.
        mixed = (chains.der(GOOD[0]), GOOD[1], bytearray(chains.der(GOOD[2])))
        assert validator.validate(mixed, at=NOW).to_dict() == report.to_dict()
        # A single certificate object: a lone self-signed root is rejected, not raised.
        lone = validator.validate(GOOD[2], at=NOW)
        assert not lone.accepted and lone.has("leaf.self_signed")

    def test_der_list_in_wrong_order_is_reported(self, validator: chainvet.Validator) -> None:
        report = validator.validate([GOOD[2], GOOD[1], GOOD[0]], at=NOW)
        assert report.has("chain.order_reversed")

    def test_empty_list_is_a_finding(self, validator: chainvet.Validator) -> None:
        report = validator.validate([], at=NOW)
        assert [f.code for f in report.findings] == ["input.empty"]

    def test_duck_typed_certificate_object(self, validator: chainvet.Validator) -> None:
        class Wrapped:
            def __init__(self, cert: object) -> None:
                self.cert = cert

            def public_bytes(self, encoding: object) -> bytes:
                der: bytes = self.cert.public_bytes(encoding)  # type: ignore[attr-defined]
                return der

        assert validator.validate([Wrapped(c) for c in GOOD], at=NOW).accepted

    @pytest.mark.parametrize("bad", [42, None, 3.5, {"pem": "x"}, object()])
    def test_wrong_types_raise_type_error(self, validator: chainvet.Validator, bad: object) -> None:
        with pytest.raises(TypeError, match="`data` must be bytes or str"):
            validator.validate(bad)  # type: ignore[arg-type]

    def test_wrong_list_item_names_its_index(self, validator: chainvet.Validator) -> None:
        with pytest.raises(TypeError, match=r"`data`\[1\] must be a certificate"):
            validator.validate([GOOD[0], 42])  # type: ignore[list-item]
        with pytest.raises(ValueError, match=r"`data`\[1\] is a str without a PEM block"):
            validator.validate([GOOD[0], "not a cert"])

    def test_public_bytes_returning_garbage(self, validator: chainvet.Validator) -> None:
        class Liar:
            def public_bytes(self, encoding: object) -> str:
                return "nope"

        with pytest.raises(TypeError, match="did not return bytes"):
            validator.validate(Liar())  # type: ignore[arg-type]

    def test_garbage_bytes_never_raise(self, validator: chainvet.Validator) -> None:
        import random

        rng = random.Random(7)
        for n in range(300):
            blob = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 400)))
            if n % 3 == 0:
                blob = b"-----BEGIN CERTIFICATE-----\n" + blob + b"\n-----END CERTIFICATE-----\n"
            report = validator.validate(blob, at=NOW)
            assert not report.accepted
            assert report.findings


class TestPolicy:
    def test_defaults(self) -> None:
        p = chainvet.Policy()
        assert p == chainvet.Policy.from_toml("")
        assert p.rsa_min_bits == 2048
        assert p.leaf_min_lifetime_days == 180
        assert p.allowed_curves == ["P-256", "P-384", "P-521"]
        assert p.allowed_key_algorithms == ["rsa", "ec", "ed25519"]
        assert p.require_client_auth_eku is True
        assert p.require_tls_client_key_usage is True
        assert chainvet.Policy(require_tls_client_key_usage=False).require_tls_client_key_usage is False
        assert p.trust_store is None
        assert p.severity == {}
        assert repr(p) == "Policy()"

    def test_knobs_toml_json_and_dict_agree(self) -> None:
        knobs = dict(
            rsa_min_bits=3072,
            allowed_curves=["P-384"],
            severity={"validity.too_short": "warning"},
            renewal_window_days=0,
        )
        p = chainvet.Policy(**knobs)
        assert p.rsa_min_bits == 3072 and p.allowed_curves == ["P-384"]
        assert p == chainvet.Policy.from_toml(p.to_toml())
        assert p == chainvet.Policy.from_json(json.dumps(p.to_dict()))
        assert p == chainvet.Policy(**p.to_dict())
        assert p != chainvet.Policy()
        assert "rsa_min_bits=3072" in repr(p)
        assert p.replace(rsa_min_bits=4096).rsa_min_bits == 4096
        assert p.replace(rsa_min_bits=4096).allowed_curves == ["P-384"]
        assert p.rsa_min_bits == 3072  # replace made a copy

    @pytest.mark.parametrize(
        "knobs,needle",
        [
            ({"rsa_min_bit": 1024}, "unknown field `rsa_min_bit`"),
            ({"rsa_min_bits": "big"}, "knob `rsa_min_bits`"),
            ({"rsa_min_bits": -1}, "knob `rsa_min_bits`"),
            ({"allowed_curves": ["P-999"]}, "P-999"),
            ({"severity": {"chain.nope": "off"}}, "chain.nope"),
            ({"severity": {"chain.root_missing": "loud"}}, "loud"),
            ({"require_client_auth_eku": "yes"}, "knob `require_client_auth_eku`"),
        ],
    )
    def test_bad_knobs_raise_policy_error_naming_them(self, knobs: dict[str, object], needle: str) -> None:
        with pytest.raises(chainvet.PolicyError, match=needle):
            chainvet.Policy(**knobs)

    def test_policy_error_is_a_value_error(self) -> None:
        assert issubclass(chainvet.PolicyError, ValueError)
        assert issubclass(chainvet.FixRefused, ValueError)
        assert issubclass(chainvet.InternalError, RuntimeError)

    def test_bad_toml_names_the_line(self) -> None:
        with pytest.raises(chainvet.PolicyError, match="^<text>:2:1: rsa_min_bit: ") as info:
            chainvet.Policy.from_toml("rsa_min_bits = 2048\nrsa_min_bit = 1\n")
        assert info.value.line == 2

    def test_unconvertible_knob_is_type_error(self) -> None:
        with pytest.raises(TypeError, match="rsa_min_bits"):
            chainvet.Policy(rsa_min_bits=object())

    def test_trust_store_file_relative_to_policy_file(self, tmp_path: Path) -> None:
        (tmp_path / "roots.pem").write_bytes(pem([GOOD[2]]))
        (tmp_path / "policy.toml").write_text('trust_store = "roots.pem"\n')
        policy = chainvet.Policy.from_file(tmp_path / "policy.toml")
        assert policy.trust_store == str(tmp_path / "roots.pem")
        validator = chainvet.Validator(policy)
        assert validator.trust_anchors == 1
        assert validator.validate(GOOD_PEM, at=NOW).accepted
        other = chains.chain(("p256", "p256"), slot=9)
        assert validator.validate(pem(other), at=NOW).has("root.not_trusted")

    def test_trust_store_path_knob_accepts_pathlike(self, tmp_path: Path) -> None:
        (tmp_path / "roots.pem").write_bytes(pem([GOOD[2]]))
        policy = chainvet.Policy(trust_store=tmp_path / "roots.pem")
        assert chainvet.Validator(policy).trust_anchors == 1

    def test_unusable_trust_store_is_policy_error(self, tmp_path: Path) -> None:
        with pytest.raises(chainvet.PolicyError, match="no CERTIFICATE"):
            chainvet.Validator(trust_store=b"just text")
        with pytest.raises(chainvet.PolicyError, match="cannot read trust store"):
            chainvet.Validator(chainvet.Policy(trust_store=str(tmp_path / "missing.pem")))
        with pytest.raises(chainvet.PolicyError, match="certificate 1: not a usable certificate") as info:
            chainvet.Validator(trust_store=[b"\x30\x00"])
        assert info.value.field == "certificate 1"
        with pytest.raises(chainvet.PolicyError, match="empty"):
            chainvet.Validator(trust_store=[])

    def test_validator_rejects_non_policy(self) -> None:
        with pytest.raises(TypeError):
            chainvet.Validator({"rsa_min_bits": 1})  # type: ignore[arg-type]
        v = chainvet.Validator(chainvet.Policy(rsa_min_bits=4096))
        assert v.policy.rsa_min_bits == 4096
        assert "rsa_min_bits=4096" in repr(v)


class TestReport:
    def test_json_and_dict_shape(self, validator: chainvet.Validator) -> None:
        report = validator.validate(SAMPLES / "reversed.pem")
        d = report.to_dict()
        assert d == json.loads(report.to_json()) == json.loads(report.to_json(indent=4))
        assert "\n    " in report.to_json(indent=4)
        assert set(d) == {"accepted", "findings", "certificates", "chain", "revocation", "validated_at"}
        assert d["accepted"] is False
        assert d["findings"][0]["code"] == "chain.order_reversed"
        assert set(d["certificates"][0]) >= {
            "index", "role", "subject", "issuer", "serial", "not_before", "not_after", "sha256",
        }
        assert [c.to_dict() for c in report.certificates] == d["certificates"]
        assert [f.to_dict() for f in report.findings] == d["findings"]
        assert d["chain"]["path"] == report.chain.path == [2, 1, 0]

    def test_views_are_cached_and_immutable(self, validator: chainvet.Validator) -> None:
        report = validator.validate(GOOD_PEM, at=NOW)
        assert report.certificates is report.certificates
        assert report.findings is report.findings
        with pytest.raises(AttributeError):
            report.accepted = False  # type: ignore[misc]
        with pytest.raises(AttributeError):
            report.certificates[0].subject = "x"  # type: ignore[misc]

    def test_reprs(self, validator: chainvet.Validator) -> None:
        report = validator.validate(SAMPLES / "reversed.pem")
        assert repr(report) == "<Report accepted=False findings=1 certificates=3>"
        assert repr(report.findings[0]).startswith("<Finding error chain.order_reversed certificate=None:")
        assert str(report.findings[0]).startswith("error chain.order_reversed: ")
        assert repr(report.chain) == "<Chain leaf=2 path=[2, 1, 0]>"
        assert repr(report.certificates[2]).startswith("<CertificateInfo 2 leaf subject=")

    def test_errors_and_has(self, validator: chainvet.Validator) -> None:
        report = validator.validate(SAMPLES / "root-ca.pem")
        assert [f.code for f in report.errors] == [f.code for f in report.findings if f.severity == "error"]
        assert report.has("leaf.is_ca") and not report.has("chain.order_reversed")
        with pytest.raises(ValueError, match="unknown finding code"):
            report.has("no.such_code")


class TestFix:
    def test_fix_reorders_and_drops(self, validator: chainvet.Validator) -> None:
        messy = b"note\n" + pem([GOOD[2], GOOD[0], GOOD[1], GOOD[1]])
        fixed = validator.fix(messy, at=NOW)
        assert fixed == GOOD_PEM
        assert chainvet.fix(messy, at=NOW) == fixed
        repair = validator.repair(messy, at=NOW)
        assert repair.pem == fixed
        assert repair.report.accepted
        assert any("leaf-to-root order" in c for c in repair.changes)
        assert any("duplicate" in c for c in repair.changes)
        assert any("explanatory text" in c for c in repair.changes)

    def test_fix_accepts_der_lists(self, validator: chainvet.Validator) -> None:
        assert validator.fix([GOOD[1], GOOD[0], GOOD[2]], at=NOW) == GOOD_PEM

    def test_fix_refused_carries_reasons_and_report(self, validator: chainvet.Validator) -> None:
        with pytest.raises(chainvet.FixRefused) as info:
            validator.fix(pem([GOOD[0], GOOD[2]]), at=NOW)
        err = info.value
        assert "cannot repair the bundle" in str(err)
        assert any("chain.issuer_missing" in r for r in err.reasons)
        assert err.report.has("chain.issuer_missing")

    def test_fix_with_policy_and_remaining_problems(self) -> None:
        expired = chains.chain(("p256", "p256"), slot=3, leaf_not_before=NOW - 400 * chains.DAY,
                               leaf_not_after=NOW - chains.DAY)
        bundle = pem([expired[1], expired[0]])
        repair = chainvet.Validator().repair(bundle, at=NOW)
        assert repair.pem == pem(expired)
        assert repair.report.has("validity.expired")  # written anyway, still rejected
        relaxed = chainvet.fix(bundle, policy=chainvet.Policy(), at=NOW)
        assert relaxed == repair.pem


def test_version() -> None:
    assert chainvet.__version__.count(".") == 2
    assert set(chainvet.__all__) <= set(dir(chainvet))


def test_everything_public_has_a_docstring() -> None:
    missing = []
    public = [(name, getattr(chainvet, name)) for name in chainvet.__all__]
    public += [(f"ocsp.{name}", getattr(chainvet.ocsp, name)) for name in chainvet.ocsp.__all__]
    for name, obj in public:
        if name != "__version__" and not (obj.__doc__ or "").strip():
            missing.append(name)
        if isinstance(obj, type):
            for attr, value in vars(obj).items():
                if not attr.startswith("_") and not (getattr(value, "__doc__", "") or "").strip():
                    missing.append(f"{name}.{attr}")
    assert missing == []

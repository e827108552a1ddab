"""Binding through Python: every `binding.*` code, rotation, serial encodings, pins,
input forms, binding inside `validate`, and registry files with their errors."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Optional

import chains
import der
import pytest
from chains import DAY, NOW, pem
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

import chainvet

ROOT_KEY = chains.key("p256", 80)
CA_KEY = chains.key("p256", 81)
OTHER_CA_KEY = chains.key("p256", 82)
ROOT_NAME = chains.name("Binding Root", (NameOID.ORGANIZATION_NAME, "Example CA"))
CA_NAME = chains.name("Binding Issuing CA", (NameOID.ORGANIZATION_NAME, "Example CA"))
OTHER_CA_NAME = chains.name("Other Issuing CA", (NameOID.ORGANIZATION_NAME, "Example CA"))
ROOT = chains.certificate(ROOT_NAME, ROOT_KEY, serial=1, ca=True, not_before=NOW - 3650 * DAY,
                          not_after=NOW + 3650 * DAY)
CA = chains.certificate(CA_NAME, CA_KEY, ROOT_NAME, ROOT_KEY, serial=2, ca=True,
                        not_before=NOW - 3650 * DAY, not_after=NOW + 3650 * DAY)
OTHER_CA = chains.certificate(OTHER_CA_NAME, OTHER_CA_KEY, ROOT_NAME, ROOT_KEY, serial=3, ca=True,
                              not_before=NOW - 3650 * DAY, not_after=NOW + 3650 * DAY)


def leaf(
    serial: int = 0x0A01,
    cn: str = "client.example.com",
    *,
    key_slot: int = 83,
    other_ca: bool = False,
    not_before: dt.datetime = NOW - 30 * DAY,
    not_after: dt.datetime = NOW + 365 * DAY,
) -> x509.Certificate:
    issuer, issuer_key = (OTHER_CA_NAME, OTHER_CA_KEY) if other_ca else (CA_NAME, CA_KEY)
    return chains.certificate(
        chains.name(cn, (NameOID.ORGANIZATION_NAME, "Client GmbH")), chains.key("p256", key_slot),
        issuer, issuer_key, serial=serial, not_before=not_before, not_after=not_after,
    )


def registration(cert: x509.Certificate, label: Optional[str] = None) -> chainvet.Registration:
    return chainvet.Registration.from_certificate(cert, label=label)


def check(presented: object, binding: chainvet.Binding, at: dt.datetime = NOW) -> chainvet.BindingOutcome:
    return chainvet.Validator().check_binding(presented, binding, at)  # type: ignore[arg-type]


def codes(outcome: chainvet.BindingOutcome) -> list[str]:
    return [f.code for f in outcome.findings]


REGISTERED = leaf()


class TestCodes:
    def test_the_registered_certificate_matches_in_every_mode(self) -> None:
        for mode in ("serial+cn", "serial+cn+issuer", "fingerprint", "spki"):
            binding = chainvet.Binding([registration(REGISTERED)], mode=mode)
            outcome = check(REGISTERED, binding)
            assert outcome.accepted and outcome.matched == 0 and outcome.findings == (), mode
            assert outcome.registration == binding.registrations[0]

    def test_serial_mismatch_names_both_serials(self) -> None:
        binding = chainvet.Binding([registration(REGISTERED, "client.pem")])
        outcome = check(leaf(0x0A02), binding)
        assert not outcome.accepted and outcome.matched is None and outcome.registration is None
        assert codes(outcome) == ["binding.serial_mismatch"]
        f = outcome.findings[0]
        assert f.severity == "error" and f.certificate == 0
        assert "has serial 0a02" in f.message and "`client.pem` has serial 0a01" in f.message
        assert "register this one first" in f.hint

    def test_cn_mismatch_names_both(self) -> None:
        outcome = check(leaf(cn="other.example.com"), chainvet.Binding([registration(REGISTERED)]))
        assert codes(outcome) == ["binding.cn_mismatch"]
        assert "other.example.com" in outcome.findings[0].message
        assert "client.example.com" in outcome.findings[0].message

    def test_issuer_counts_in_the_default_mode_only(self) -> None:
        from_other_ca = leaf(other_ca=True)
        outcome = check(from_other_ca, chainvet.Binding([registration(REGISTERED)]))
        assert codes(outcome) == ["binding.issuer_mismatch"]
        assert "Other Issuing CA" in outcome.findings[0].message
        assert check(from_other_ca, chainvet.Binding([registration(REGISTERED)], mode="serial+cn")).accepted

    def test_fingerprint_mode_tells_a_reissued_certificate_apart(self) -> None:
        reissued = leaf(key_slot=84)  # same serial, CN and issuer, another key
        assert check(reissued, chainvet.Binding([registration(REGISTERED)])).accepted
        outcome = check(reissued, chainvet.Binding([registration(REGISTERED)], mode="fingerprint"))
        assert codes(outcome) == ["binding.fingerprint_mismatch"]
        assert reissued.fingerprint(hashes.SHA256()).hex() in outcome.findings[0].message

    def test_spki_mode_follows_the_key(self) -> None:
        binding = chainvet.Binding([registration(REGISTERED)], mode="spki")
        assert check(leaf(0x0B01, "renewed.example.com"), binding).accepted  # same key
        outcome = check(leaf(key_slot=84), binding)
        assert codes(outcome) == ["binding.spki_mismatch"]

    def test_nothing_registered(self) -> None:
        outcome = check(REGISTERED, chainvet.Binding([], client="acme"))
        assert codes(outcome) == ["binding.no_registered_certificate"]
        assert "client `acme`" in outcome.findings[0].message

    def test_too_many_active(self) -> None:
        regs = [registration(leaf(s), f"r{s}.pem") for s in (0x0A01, 0x0A02, 0x0A03)]
        outcome = check(REGISTERED, chainvet.Binding(regs, client="acme"))
        assert codes(outcome) == ["binding.too_many_active"]
        assert outcome.matched == 0  # it still names the match
        assert "3 active registrations" in outcome.findings[0].message
        assert check(REGISTERED, chainvet.Binding(regs, max_active=3)).accepted
        assert check(REGISTERED, chainvet.Binding(regs, max_active=0)).accepted  # 0: no limit

    def test_pins(self) -> None:
        fingerprint = REGISTERED.fingerprint(hashes.SHA256())
        colons = ":".join(f"{b:02X}" for b in fingerprint)
        spki = hashlib.sha256(REGISTERED.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)).hexdigest()
        for pin in (chainvet.Registration.from_sha256(colons),
                    chainvet.Registration.from_sha256("sha256:" + fingerprint.hex()),
                    chainvet.Registration.from_spki_sha256(spki)):
            for mode in ("serial+cn", "fingerprint", "spki"):
                assert check(REGISTERED, chainvet.Binding([pin], mode=mode)).accepted
        fp_pin = chainvet.Registration.from_sha256(colons, label="pinned")
        assert (fp_pin.kind, fp_pin.label, fp_pin.sha256, fp_pin.serial, fp_pin.not_after) == (
            "sha256", "pinned", fingerprint.hex(), None, None)
        spki_pin = chainvet.Registration.from_spki_sha256(spki)
        assert (spki_pin.kind, spki_pin.spki_sha256, spki_pin.sha256) == ("spki", spki, None)
        other = leaf(key_slot=84)
        assert codes(check(other, chainvet.Binding([fp_pin], mode="serial+cn"))) == [
            "binding.fingerprint_mismatch"]
        assert codes(check(other, chainvet.Binding([spki_pin]))) == ["binding.spki_mismatch"]
        with pytest.raises(chainvet.RegistrationError, match="64 hexadecimal digits"):
            chainvet.Registration.from_sha256("5F:1C")
        with pytest.raises(chainvet.RegistrationError):
            chainvet.Registration.from_spki_sha256("zz" * 32)

    def test_severity_overrides_apply(self) -> None:
        validator = chainvet.Validator(chainvet.Policy(severity={"binding.serial_mismatch": "warning"}))
        outcome = validator.check_binding(leaf(0x0A02), chainvet.Binding([registration(REGISTERED)]), NOW)
        assert outcome.accepted and [(f.code, f.severity) for f in outcome.findings] == [
            ("binding.serial_mismatch", "warning")]


class TestRotation:
    OLD = leaf(0x0C01, not_before=NOW - 400 * DAY, not_after=NOW - 10 * DAY)
    CURRENT = leaf(0x0C02, not_before=NOW - 200 * DAY, not_after=NOW + 30 * DAY)
    NEW = leaf(0x0C03, not_before=NOW - 5 * DAY, not_after=NOW + 400 * DAY)

    def binding(self) -> chainvet.Binding:
        return chainvet.Binding(
            [registration(c, f"{n}.pem") for c, n in ((self.OLD, "old"), (self.CURRENT, "current"),
                                                       (self.NEW, "new"))],
            client="acme")

    def test_two_active_and_one_expired(self) -> None:
        binding = self.binding()
        assert [r.is_active_at(NOW) for r in binding.registrations] == [False, True, True]
        assert check(self.CURRENT, binding).matched == 1
        assert check(self.NEW, binding).matched == 2
        old = check(self.OLD, binding)
        assert not old.accepted and old.matched is None
        assert codes(old) == ["binding.serial_mismatch"]
        assert "`old.pem`, which expired on" in old.findings[0].message

    def test_three_active_before_the_old_one_expires(self) -> None:
        outcome = check(self.CURRENT, self.binding(), at=NOW - 20 * DAY)
        assert codes(outcome) == ["binding.too_many_active"]
        assert "`old.pem`" in outcome.findings[0].message

    def test_all_expired(self) -> None:
        outcome = check(self.CURRENT, self.binding(), at=NOW + 500 * DAY)
        assert codes(outcome) == ["binding.no_registered_certificate"]
        assert "has expired" in outcome.findings[0].message


class TestSerials:
    def test_a_sign_byte_does_not_count(self) -> None:
        high = leaf(0x8001)
        info = chainvet.Validator().validate([high, CA, ROOT], at=NOW).certificates[0]
        assert info.serial_hex == "8001" and info.serial == 0x8001
        reg = registration(high)
        assert reg.serial_hex == "8001" and reg.serial == 0x8001
        assert check(high, chainvet.Binding([reg])).accepted
        message = check(leaf(0x8002), chainvet.Binding([reg])).findings[0].message
        assert "has serial 8002;" in message and "has serial 8001" in message and "008" not in message

    def test_a_non_canonical_serial_is_malformed_not_an_exception(self) -> None:
        # DER requires the minimal encoding: redundant leading zero bytes make the
        # certificate unparsable (x509-cert refuses it), which is a finding when
        # presented and a RegistrationError when registered.
        padded = der.with_serial(leaf(0x7F), b"\x00\x00\x7f", CA_KEY)
        canonical = der.with_serial(leaf(0x7F), b"\x7f", CA_KEY)
        # The helper's output is otherwise a valid certificate: re-encoded canonically,
        # it binds and validates.
        assert chainvet.Validator().validate([canonical, CA, ROOT], at=NOW).accepted
        assert check(canonical, chainvet.Binding([registration(leaf(0x7F))])).accepted
        outcome = check(padded, chainvet.Binding([registration(leaf(0x7F))]))
        assert codes(outcome) == ["certificate.malformed"]
        assert "not canonically encoded" in outcome.findings[0].message
        with pytest.raises(chainvet.RegistrationError, match="not canonically encoded"):
            chainvet.Registration.from_certificate(padded)
        report = chainvet.Validator().validate([padded, CA, ROOT], at=NOW)
        assert report.has("certificate.malformed") and not report.accepted

    def test_twenty_byte_serials(self) -> None:
        ones = b"\xff" * 20
        registered = der.with_serial(leaf(), b"\x00" + ones, CA_KEY)
        same = der.with_serial(leaf(key_slot=84), b"\x00" + ones, CA_KEY)
        last_differs = der.with_serial(leaf(), b"\x00" + ones[:19] + b"\xfe", CA_KEY)
        reg = chainvet.Registration.from_certificate(registered)
        assert reg.serial_hex == "ff" * 20 and reg.serial == int("ff" * 20, 16)
        assert check(same, chainvet.Binding([reg])).accepted
        outcome = check(last_differs, chainvet.Binding([reg]))
        assert codes(outcome) == ["binding.serial_mismatch"]
        assert f"has serial {'ff' * 19}fe;" in outcome.findings[0].message
        # The largest positive serial pyca makes: 20 bytes without a sign byte.
        big = int.from_bytes(b"\x12" + b"\x7f" * 19, "big")
        reg = registration(leaf(big))
        assert reg.serial == big and len(reg.serial_hex or "") == 40
        assert check(leaf(big), chainvet.Binding([reg])).accepted
        assert not check(leaf(big - 1), chainvet.Binding([reg])).accepted


class TestInputs:
    def test_presented_in_every_form(self, tmp_path: Path) -> None:
        binding = chainvet.Binding([registration(REGISTERED)])
        path = tmp_path / "presented.pem"
        path.write_bytes(pem([ROOT, REGISTERED, CA]))
        forms: list[object] = [
            chains.der(REGISTERED), pem([REGISTERED]), pem([REGISTERED]).decode(), REGISTERED,
            [REGISTERED, CA, ROOT], [chains.der(REGISTERED)], pem([CA, REGISTERED, ROOT]), path,
        ]
        for form in forms:
            assert check(form, binding).matched == 0, form

    def test_registration_forms_agree(self, tmp_path: Path) -> None:
        path = tmp_path / "r.der"
        path.write_bytes(chains.der(REGISTERED))
        regs = [
            chainvet.Registration.from_certificate(form)
            for form in (REGISTERED, chains.der(REGISTERED), pem([REGISTERED]),
                         pem([ROOT, CA, REGISTERED]).decode(), path, [REGISTERED, CA])
        ]
        assert all(r == regs[0] for r in regs)
        r = regs[0]
        assert r.kind == "certificate"
        assert r.common_name == "client.example.com"
        assert r.subject == "CN=client.example.com,O=Client GmbH"
        assert r.issuer == "CN=Binding Issuing CA,O=Example CA"
        assert r.sha256 == REGISTERED.fingerprint(hashes.SHA256()).hex()
        assert r.not_after == NOW + 365 * DAY
        assert r.label == "CN client.example.com, serial 0a01"
        assert r.with_label("acme.pem").label == "acme.pem" and r.label != "acme.pem"
        assert r.to_dict() == {
            "label": r.label, "serial": "0a01", "common_name": "client.example.com",
            "issuer": r.issuer, "sha256": r.sha256, "spki_sha256": r.spki_sha256,
            "not_after": "2027-06-01T12:00:00Z",
        }

    def test_unusable_presented_leaf_is_a_finding(self) -> None:
        binding = chainvet.Binding([registration(REGISTERED)])
        for junk in (b"\x30\x00", b"", [b"junk"], "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"):
            outcome = check(junk, binding)
            assert codes(outcome) == ["certificate.malformed"], junk
            assert not outcome.accepted

    def test_private_keys_are_refused_without_being_shown(self) -> None:
        key = ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        body = key.decode().splitlines()[1]
        with pytest.raises(chainvet.RegistrationError, match="private key") as info:
            chainvet.Registration.from_certificate(key + pem([REGISTERED]))
        assert body[:20] not in str(info.value)
        outcome = check(key, chainvet.Binding([registration(REGISTERED)]))
        assert codes(outcome) == ["certificate.malformed"]
        assert "private key" in outcome.findings[0].message
        assert body[:20] not in outcome.findings[0].message

    def test_misuse_raises(self) -> None:
        with pytest.raises(ValueError, match="unknown binding mode `serial`"):
            chainvet.Binding([], mode="serial")  # type: ignore[arg-type]
        with pytest.raises(TypeError, match=r"`registrations`\[0\] must be a chainvet.Registration"):
            chainvet.Binding([REGISTERED])  # type: ignore[list-item]
        with pytest.raises(chainvet.RegistrationError, match="neither PEM nor a DER certificate"):
            chainvet.Registration.from_certificate(b"junk")
        with pytest.raises(ValueError, match="naive"):
            check(REGISTERED, chainvet.Binding([]), at=dt.datetime(2026, 1, 1))
        with pytest.raises(FileNotFoundError):
            chainvet.Registration.from_certificate(Path("/nonexistent/r.pem"))
        assert issubclass(chainvet.RegistrationError, ValueError)

    def test_binding_attributes(self) -> None:
        binding = chainvet.Binding([registration(REGISTERED)], mode="spki", max_active=3, client="acme")
        assert (binding.mode, binding.max_active, binding.client, len(binding)) == ("spki", 3, "acme", 1)
        assert repr(binding) == '<Binding client="acme" mode=spki registrations=1 max_active=3>'
        default = chainvet.Binding(())
        assert (default.mode, default.max_active, default.client) == ("serial+cn+issuer", 2, None)
        outcome = check(leaf(0x0A02), chainvet.Binding([registration(REGISTERED)]))
        d = outcome.to_dict()
        assert d == json.loads(outcome.to_json()) and d["matched"] is None and not d["accepted"]
        assert [f.code for f in outcome.errors] == ["binding.serial_mismatch"]
        assert outcome.has("binding.serial_mismatch") and not outcome.has("binding.cn_mismatch")


class TestValidateWithBinding:
    def test_the_binding_is_checked_on_the_chain_leaf(self) -> None:
        validator = chainvet.Validator()
        binding = chainvet.Binding([registration(REGISTERED)], client="acme")
        ok = validator.validate(pem([ROOT, CA, REGISTERED]), at=NOW, binding=binding)
        assert not ok.has("binding.serial_mismatch")
        assert not any(f.code.startswith("binding.") for f in ok.findings)
        other = validator.validate([leaf(0x0A02), CA, ROOT], at=NOW, binding=binding)
        assert not other.accepted
        (f,) = [f for f in other.findings if f.code.startswith("binding.")]
        assert f.code == "binding.serial_mismatch" and f.certificate == 0
        # Certificate indices follow the input: the leaf is given last here.
        last = validator.validate(pem([ROOT, CA, leaf(0x0A02)]), at=NOW, binding=binding)
        assert [f.certificate for f in last.findings if f.code == "binding.serial_mismatch"] == [2]


class TestRegistry:
    def files(self, tmp: Path) -> Path:
        (tmp / "acme").mkdir()
        (tmp / "acme" / "2025.pem").write_bytes(pem([TestRotation.CURRENT]))
        (tmp / "acme" / "2026.pem").write_bytes(pem([TestRotation.NEW, CA]))
        return tmp

    def test_load_toml_json_and_file(self, tmp_path: Path) -> None:
        base = self.files(tmp_path)
        fingerprint = REGISTERED.fingerprint(hashes.SHA256()).hex()
        toml = (
            'mode = "serial+cn+issuer"\nmax_active = 2\n\n'
            '[clients.acme-payments]\ncertificates = ["acme/2025.pem", "acme/2026.pem"]\n\n'
            f'[clients.globex]\nmode = "fingerprint"\nsha256 = ["{fingerprint}"]\n'
        )
        (base / "registry.toml").write_text(toml)
        from_file = chainvet.Registry.from_file(base / "registry.toml")
        from_text = chainvet.Registry.from_toml(toml, base_dir=base)
        as_json = json.dumps({"mode": "serial+cn+issuer", "max_active": 2, "clients": {
            "acme-payments": {"certificates": ["acme/2025.pem", "acme/2026.pem"]},
            "globex": {"mode": "fingerprint", "sha256": [fingerprint]}}})
        from_json = chainvet.Registry.from_json(as_json, base_dir=str(base))
        for registry in (from_file, from_text, from_json):
            assert registry.client_ids == ["acme-payments", "globex"] and len(registry) == 2
            assert "globex" in registry and "initech" not in registry
            acme = registry.binding_for("acme-payments")
            assert (acme.client, acme.mode, len(acme)) == ("acme-payments", "serial+cn+issuer", 2)
            assert [r.label for r in acme.registrations] == ["acme/2025.pem", "acme/2026.pem"]
            validator = chainvet.Validator()
            assert validator.check_binding(TestRotation.NEW, acme, NOW).matched == 1
            assert validator.check_binding(REGISTERED, registry.binding_for("globex"), NOW).accepted
            unknown = validator.check_binding(REGISTERED, registry.binding_for("initech"), NOW)
            assert [f.code for f in unknown.findings] == ["binding.no_registered_certificate"]
            assert "initech" in unknown.findings[0].message
            assert registry.get("initech") is None
            assert registry.get("globex") is not None

    @pytest.mark.parametrize(
        "text,line,field,needle",
        [
            ('[clients.globex]\nsha256 = ["5F:1C"]\n', 2, "clients.globex.sha256[0]", "64 hexadecimal digits"),
            ('[clients.acme]\ncertificates = ["acme/2025.pem", "acme/missing.pem"]\n', 2,
             "clients.acme.certificates[1]", "cannot read certificate file `acme/missing.pem`"),
            ('[clients.acme]\ncertificate = ["acme/2025.pem"]\n', 2, "clients.acme.certificate",
             "unknown field `certificate`"),
            (f'mode = "serial"\n[clients.acme]\nsha256 = ["{"ab" * 32}"]\n', 1, "mode",
             "unknown variant `serial`"),
            ('\n[clients.acme]\nmode = "fingerprint"\n', 2, "clients.acme", "registers nothing"),
        ],
    )
    def test_errors_say_where(self, tmp_path: Path, text: str, line: int, field: str, needle: str) -> None:
        base = self.files(tmp_path)
        with pytest.raises(chainvet.RegistryError) as info:
            chainvet.Registry.from_toml(text, base_dir=base)
        err = info.value
        assert err.line == line, str(err)
        assert err.column is not None and err.column >= 1
        assert err.field == field, str(err)
        assert needle in err.message
        assert err.file is None and err.path is None
        assert str(err).startswith(f"<text>:{line}:{err.column}: {field}: ")

    def test_file_errors_name_the_file(self, tmp_path: Path) -> None:
        base = self.files(tmp_path)
        (base / "key.pem").write_bytes(ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        (base / "reg.toml").write_text('[clients.acme]\ncertificates = ["key.pem"]\n')
        with pytest.raises(chainvet.RegistryError, match="private key") as info:
            chainvet.Registry.from_file(base / "reg.toml")
        assert info.value.file == info.value.path == str(base / "reg.toml")
        assert str(info.value).startswith(f"{base / 'reg.toml'}:2:")
        with pytest.raises(chainvet.RegistryError, match="cannot read the registry"):
            chainvet.Registry.from_file(base / "missing.toml")
        with pytest.raises(chainvet.RegistryError, match="given twice") as info:
            chainvet.Registry.from_json('{"clients": {"a": {"sha256": ["%s"]},\n"a": {}}}' % ("ab" * 32))
        assert info.value.line == 2 and info.value.field == "clients"
        with pytest.raises(chainvet.RegistryError) as info:
            chainvet.Registry.from_toml("[clients\n")
        assert info.value.line == 1 and info.value.field is None
        assert issubclass(chainvet.RegistryError, ValueError)

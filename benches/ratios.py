#!/usr/bin/env python3
"""One table of chainvet against its peers from a `cargo bench` run.

Reads the median of every benchmark from target/criterion/GROUP_CHAIN/new/estimates.json
(criterion's output; the pyca bench writes its Python-side medians in the same place) and
prints a Markdown table: absolute medians in microseconds and the ratios chainvet / peer
(below 1 means chainvet is faster), with the machine it ran on.

Usage: python3 benches/ratios.py [TARGET_DIR]      (default: ./target)
"""

import json
import os
import pathlib
import platform
import sys

CHAINS = ["rsa2048", "p256", "p256-4cert", "rsa4096-root"]


def median_us(root: pathlib.Path, group: str, chain: str):
    # criterion stores the id `group/chain` as `group_chain`; the pyca bench writes
    # `pyca/chain`.
    for rel in (f"{group}_{chain}", f"{group}/{chain}"):
        path = root / "criterion" / rel / "new" / "estimates.json"
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        return data["median"]["point_estimate"] / 1000.0
    return None


def cpu_model() -> str:
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def fmt(x, digits=1):
    return "–" if x is None else f"{x:.{digits}f}"


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "target")
    if not (root / "criterion").is_dir():
        print(f"no criterion output under {root}/criterion: run `cargo bench -p chainvet-benches` first")
        return 1
    rows = []
    for chain in CHAINS:
        m = {g: median_us(root, g, chain) for g in [
            "floor", "floor_with_root", "parse_chainvet", "parse_webpki", "parse_openssl",
            "cold", "cold_known_ca", "warm", "warm_der", "webpki", "openssl", "pyca"]}
        if all(v is None for v in m.values()):
            continue
        rows.append((chain, m))

    print(f"Machine: {cpu_model()}, {os.cpu_count()} logical CPUs (nproc), "
          f"load average at report time {os.getloadavg()[0]:.2f}; medians in µs.\n")
    print("| chain | floor (links) | floor + root self-sig | chainvet cold | cold, known CA | warm | warm (DER) | rustls-webpki | OpenSSL | pyca (Python) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for chain, m in rows:
        print(f"| {chain} | {fmt(m['floor'])} | {fmt(m['floor_with_root'])} | {fmt(m['cold'])} | "
              f"{fmt(m['cold_known_ca'])} | {fmt(m['warm'], 2)} | {fmt(m['warm_der'], 2)} | "
              f"{fmt(m['webpki'])} | {fmt(m['openssl'])} | {fmt(m['pyca'])} |")
    print()
    print("Ratios chainvet / peer (below 1: chainvet faster). Targets: cold/floor ≤ 1.15, "
          "cold/OpenSSL ≤ 0.20, cold/pyca ≤ 0.50, warm < 5 µs.\n")
    print("| chain | cold / floor | cold / floor+root | known CA / floor | cold / webpki | cold / OpenSSL | cold / pyca | warm / OpenSSL | parse / webpki parse | parse / OpenSSL parse |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for chain, m in rows:
        print(f"| {chain} | {fmt(ratio(m['cold'], m['floor']), 2)} | "
              f"{fmt(ratio(m['cold'], m['floor_with_root']), 2)} | "
              f"{fmt(ratio(m['cold_known_ca'], m['floor']), 2)} | "
              f"{fmt(ratio(m['cold'], m['webpki']), 2)} | {fmt(ratio(m['cold'], m['openssl']), 3)} | "
              f"{fmt(ratio(m['cold'], m['pyca']), 3)} | {fmt(ratio(m['warm'], m['openssl']), 4)} | "
              f"{fmt(ratio(m['parse_chainvet'], m['parse_webpki']), 2)} | "
              f"{fmt(ratio(m['parse_chainvet'], m['parse_openssl']), 3)} |")
    extra = {g: median_us(root, g, "p256") for g in
             ["binding_baseline", "binding", "ocsp_fresh", "ocsp_cached"]}
    if any(v is not None for v in extra.values()):
        print("\nRevocation and binding (P-256 chain from the revocation test PKI, warm analysis):\n")
        print("| warm validation | + binding check | + OCSP response, first seen | + OCSP response, seen before |")
        print("|---|---|---|---|")
        print(f"| {fmt(extra['binding_baseline'], 2)} | {fmt(extra['binding'], 2)} | "
              f"{fmt(extra['ocsp_fresh'])} | {fmt(extra['ocsp_cached'], 2)} |")
    presented = []
    for chain in CHAINS:
        m = {g: median_us(root, g, chain) for g in [
            "floor", "presented_cold", "presented_known_ca", "presented_repeated",
            "webpki_prepared", "openssl_prepared", "pyca_presented"]}
        if any(m[g] is not None for g in m if g != "floor"):
            presented.append((chain, m))
    if presented:
        print("\nTrust-store mode (the gateway call: leaf + intermediates as DER, anchors prepared "
              "once; peers likewise). Targets: repeated ≤ 3 µs, known CA ≤ one signature + 10 µs, "
              "pyca / chainvet ≥ 20 (repeated) and ≥ 2 (known CA).\n")
        print("| chain | chainvet cold | new leaf, known CA | repeated | rustls-webpki | OpenSSL | pyca (Python) | pyca / repeated | pyca / known CA |")
        print("|---|---|---|---|---|---|---|---|---|")
        for chain, m in presented:
            print(f"| {chain} | {fmt(m['presented_cold'])} | {fmt(m['presented_known_ca'])} | "
                  f"{fmt(m['presented_repeated'], 2)} | {fmt(m['webpki_prepared'])} | "
                  f"{fmt(m['openssl_prepared'])} | {fmt(m['pyca_presented'])} | "
                  f"{fmt(ratio(m['pyca_presented'], m['presented_repeated']), 1)} | "
                  f"{fmt(ratio(m['pyca_presented'], m['presented_known_ca']), 1)} |")
    missing = [g for g in ["pyca", "ocsp_fresh", "binding", "presented_repeated", "pyca_presented"]
               if median_us(root, g, "p256") is None]
    if missing:
        print(f"\nNot in this run: {', '.join(missing)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

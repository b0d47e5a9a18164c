#!/usr/bin/python3
"""Independent check of the EMSG/1 test vectors with libsodium (python3-nacl).

Run with Debian's interpreter, which is where python3-nacl installs:

    /usr/bin/python3 vectors/check/libsodium_check.py [vectors/data]

It re-checks, with libsodium instead of the Go reference library:
  * ed25519.json, sealed-box.json, xchacha20-poly1305.json completely: every
    valid test reproduces its output bytes exactly, every invalid test fails,
    every acceptable test is reported with what libsodium did;
  * envelope.json and group-envelope.json: the cryptography of every valid
    test (unwrap the reader's content key with crypto_box_seal_open, decrypt
    the payload with XChaCha20-Poly1305, verify the inner Ed25519 signature,
    re-seal and re-encrypt with the given ephemeral keys and nonces and
    compare the bytes).

It prints "N passed, M failed" and exits 1 when anything failed, 2 when
libsodium bindings are missing.
"""

import base64
import hashlib
import json
import os
import sys

try:
    from nacl import bindings as b
    from nacl import exceptions as nacl_exc
except ImportError:  # pragma: no cover - reported to the Go test as a skip
    print("python3-nacl is not installed (apt-get install python3-nacl)")
    sys.exit(2)


def unb64(s):
    """Decode unpadded base64url strictly (the EMSG wire encoding)."""
    if "=" in s or "+" in s or "/" in s:
        raise ValueError("not unpadded base64url: %r" % s)
    raw = base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
    if base64.urlsafe_b64encode(raw).decode().rstrip("=") != s:
        raise ValueError("non-canonical base64url: %r" % s)
    return raw


def jcs(v):
    """RFC 8785 canonical JSON for what EMSG objects hold: objects, arrays,
    strings, integers, booleans and null (no floats)."""
    if isinstance(v, dict):
        items = sorted(v.items(), key=lambda kv: kv[0].encode("utf-16-be"))
        return "{" + ",".join(jcs_str(k) + ":" + jcs(x) for k, x in items) + "}"
    if isinstance(v, list):
        return "[" + ",".join(jcs(x) for x in v) + "]"
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return jcs_str(v)
    raise ValueError("JCS of %r is outside EMSG's subset" % (v,))


def jcs_str(s):
    short = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
    out = []
    for ch in s:
        if ch in short:
            out.append(short[ch])
        elif ord(ch) < 0x20:
            out.append("\\u%04x" % ord(ch))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def sig_input(obj):
    """The bytes an EMSG signature covers: JCS of the object without "sig"."""
    return jcs({k: v for k, v in obj.items() if k != "sig"}).encode()


def ed_verify(pk, msg, sig):
    """True when libsodium accepts sig; raises KeyError-like ValueError for a
    public key of the wrong length."""
    if len(pk) != 32:
        raise ValueError("public key of %d bytes" % len(pk))
    if len(sig) != 64:
        return False
    try:
        b.crypto_sign_open(sig + msg, pk)
        return True
    except nacl_exc.BadSignatureError:
        return False


def seal_nonce(eph_pk, pk):
    return hashlib.blake2b(eph_pk + pk, digest_size=24).digest()


def seal_with(msg, pk, eph_sk):
    """crypto_box_seal with the ephemeral secret key given."""
    eph_pk = b.crypto_scalarmult_base(eph_sk)
    return eph_pk + b.crypto_box(msg, seal_nonce(eph_pk, pk), pk, eph_sk)


class Checker:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.acceptable = {}

    def record(self, name, test, ok, why=""):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL %s tcId %d (%s): %s" % (name, test["tcId"], test["comment"], why))

    def outcome(self, name, test, succeeded, detail=""):
        """Record a test whose outcome is success or failure."""
        res = test["result"]
        if res == "acceptable":
            self.acceptable.setdefault(name, []).append((test["tcId"], "accepted" if succeeded else "rejected"))
            self.passed += 1
        elif res == "valid":
            self.record(name, test, succeeded, "libsodium rejected a valid test " + detail)
        else:
            self.record(name, test, not succeeded, "libsodium accepted an invalid test " + detail)

    # --- ed25519.json -----------------------------------------------------
    def ed25519(self, name, group, test):
        pk = unb64(group["publicKey"])
        msg, sig = unb64(test["msg"]), unb64(test["sig"])
        try:
            ok = ed_verify(pk, msg, sig)
        except ValueError:
            self.record(name, test, test["result"] == "invalid" and test["defect"] == "bad_key",
                        "libsodium refused the key, the test does not say bad_key")
            return
        if ok and test["result"] == "valid" and "seed" in group:
            pk2, sk = b.crypto_sign_seed_keypair(unb64(group["seed"]))
            if pk2 != pk:
                return self.record(name, test, False, "seed does not give publicKey")
            if b.crypto_sign(msg, sk)[:64] != sig:
                return self.record(name, test, False, "signing msg with seed does not give sig")
        self.outcome(name, test, ok)

    # --- sealed-box.json --------------------------------------------------
    def sealed_box(self, name, group, test):
        pk = unb64(group["recipientPublicKey"])
        if group["type"] == "SealedBoxSeal":
            try:
                seal_with(unb64(test["msg"]), pk, unb64(test["ephemeralPrivateKey"]))
                b.crypto_box_seal(unb64(test["msg"]), pk)
                ok = True
            except (nacl_exc.CryptoError, ValueError, TypeError):
                ok = False
            return self.outcome(name, test, ok)
        sk = unb64(group["recipientPrivateKey"])
        if b.crypto_scalarmult_base(sk) != pk:
            return self.record(name, test, False, "recipientPrivateKey does not give recipientPublicKey")
        sealed = unb64(test["sealed"])
        try:
            msg = b.crypto_box_seal_open(sealed, pk, sk)
            ok = True
        except (nacl_exc.CryptoError, ValueError, TypeError):
            ok = False
        if ok and test["result"] == "valid":
            eph_sk = unb64(test["ephemeralPrivateKey"])
            eph_pk = b.crypto_scalarmult_base(eph_sk)
            if msg != unb64(test["msg"]):
                return self.record(name, test, False, "opened to other bytes than msg")
            if eph_pk != unb64(test["ephemeralPublicKey"]) or seal_nonce(eph_pk, pk) != unb64(test["nonce"]):
                return self.record(name, test, False, "ephemeral public key or nonce differ")
            if seal_with(msg, pk, eph_sk) != sealed:
                return self.record(name, test, False, "re-sealing with the given ephemeral key differs")
        self.outcome(name, test, ok)

    # --- xchacha20-poly1305.json -------------------------------------------
    def xchacha(self, name, group, test):
        key = unb64(group["key"])
        nonce, aad, ct = unb64(test["nonce"]), unb64(test["aad"]), unb64(test["ct"])
        if len(key) != 32:
            return self.record(name, test, test["result"] == "invalid" and test["defect"] == "bad_key",
                               "a key of %d bytes must be bad_key" % len(key))
        try:
            msg = b.crypto_aead_xchacha20poly1305_ietf_decrypt(ct, aad, nonce, key)
            ok = True
        except (nacl_exc.CryptoError, ValueError, TypeError):
            ok = False
        if ok and test["result"] == "valid":
            if msg != unb64(test["msg"]):
                return self.record(name, test, False, "decrypted to other bytes than msg")
            if b.crypto_aead_xchacha20poly1305_ietf_encrypt(msg, aad, nonce, key) != ct:
                return self.record(name, test, False, "re-encrypting msg differs from ct")
        self.outcome(name, test, ok)

    # --- envelope.json, group-envelope.json ---------------------------------
    def envelope(self, name, group, test):
        """Crypto of a valid envelope: every wrapped key, the payload, the
        inner signature, and byte-exact re-sealing and re-encryption."""
        if test["result"] != "valid":
            return
        try:
            self.record(name, test, *open_envelope(group, test))
        except (nacl_exc.CryptoError, ValueError, TypeError, KeyError) as e:
            self.record(name, test, False, "%s: %s" % (type(e).__name__, e))


def open_envelope(group, test):
    env = json.loads(test["envelope"])
    parties = group["parties"]
    key = unb64(test["contentKey"])
    for addr, wrapped_b64 in env["keys"].items():
        party = parties[addr]
        pk, sk = unb64(party["boxPublicKey"]), unb64(party["boxPrivateKey"])
        wrapped = unb64(wrapped_b64)
        if b.crypto_box_seal_open(wrapped, pk, sk) != key:
            return False, "the key wrapped for %s is not contentKey" % addr
        eph_sk = unb64(test["ephemeralPrivateKeys"][addr])
        if seal_with(key, pk, eph_sk) != wrapped:
            return False, "re-sealing the key for %s differs" % addr
    payload = unb64(env["payload"])
    nonce, ct = payload[:24], payload[24:]
    if nonce != unb64(test["payloadNonce"]):
        return False, "payload nonce differs from payloadNonce"
    inner_bytes = b.crypto_aead_xchacha20poly1305_ietf_decrypt(ct, b"", nonce, key)
    if inner_bytes != test["inner"].encode():
        return False, "the payload does not decrypt to inner"
    if b.crypto_aead_xchacha20poly1305_ietf_encrypt(inner_bytes, b"", nonce, key) != ct:
        return False, "re-encrypting inner differs"
    inner = json.loads(inner_bytes)
    if jcs(inner).encode() != inner_bytes:
        return False, "inner is not in JCS form"
    sender = parties[inner["from"]]
    if not ed_verify(unb64(sender["signPublicKey"]), sig_input(inner), unb64(inner["sig"])):
        return False, "libsodium rejects the inner signature"
    return True, ""


DISPATCH = {
    "ed25519": Checker.ed25519,
    "sealed-box": Checker.sealed_box,
    "xchacha20-poly1305": Checker.xchacha,
    "envelope": Checker.envelope,
    "group-envelope": Checker.envelope,
}


def main():
    data = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")
    c = Checker()
    for area, check in sorted(DISPATCH.items()):
        path = os.path.join(data, area + ".json")
        if not os.path.exists(path):
            print("FAIL %s: file missing" % path)
            c.failed += 1
            continue
        with open(path, encoding="utf-8") as f:
            vf = json.load(f)
        for group in vf["testGroups"]:
            for test in group["tests"]:
                check(c, area, group, test)
    for name, results in sorted(c.acceptable.items()):
        print("acceptable in %s: %s" % (name, ", ".join("tcId %d %s" % r for r in results)))
    print("%d passed, %d failed" % (c.passed, c.failed))
    sys.exit(1 if c.failed else 0)


if __name__ == "__main__":
    main()

"""CloudFront signed-URL vectors for SHA-256 (RSA) and ECDSA P-256, beside the
SHA-1 ones in crates/core/tests/fixtures/cloudfront_signed_url_vectors.json
(made by gen_cloudfront_vectors.py there), and PEM files proofline must refuse.

Same six cases and the same RSA key as those vectors. URLs come from
botocore's CloudFrontSigner; with SHA-256 (always, for ECDSA) the URL ends
with `&Hash-Algorithm=SHA256`, as CloudFront's guide, the AWS CLI's
`cloudfront sign` and the SDKs write it. ECDSA signatures are DER, SHA-256,
and randomized: each is checked here with the public key, and proofline's
tests verify them (and their own) rather than compare bytes.

Usage: python3 gen_cloudfront_sha256_ecdsa_vectors.py \
    ../../../../../core/tests/fixtures/cloudfront_signed_url_vectors.json \
    cloudfront_sha256_ecdsa_vectors.json
"""
import base64
import datetime as dt
import json
import sys

import botocore
from botocore.signers import CloudFrontSigner
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

sha1_path, out_path = sys.argv[1], sys.argv[2]
sha1_doc = json.load(open(sha1_path))
KEY_ID = sha1_doc["key_pair_id"]
rsa_key = serialization.load_pem_private_key(
    sha1_doc["private_key_pem_pkcs1"].encode(), password=None
)
ec_key = ec.generate_private_key(ec.SECP256R1())
PEM = serialization.Encoding.PEM
NONE = serialization.NoEncryption()


def pem(key, fmt, enc=NONE):
    return key.private_bytes(PEM, fmt, enc).decode()


def rsa_sha256(msg):
    return rsa_key.sign(msg, padding.PKCS1v15(), hashes.SHA256())


def ecdsa_sha256(msg):
    return ec_key.sign(msg, ec.ECDSA(hashes.SHA256()))


def cf_b64(b):
    return base64.b64encode(b).decode().replace("+", "-").replace("=", "_").replace("/", "~")


def ts(t):
    return dt.datetime.fromtimestamp(t, tz=dt.timezone.utc)


def signed_cases(sign, verify):
    signer = CloudFrontSigner(KEY_ID, sign)
    out = []
    for v in sha1_doc["vectors"]:
        c = {k: v[k] for k in v if k in (
            "name", "kind", "url", "resource", "date_less_than", "date_greater_than", "ip_address")}
        if c["kind"] == "canned":
            policy = v["policy_json"]
            signed = signer.generate_presigned_url(c["url"], date_less_than=ts(c["date_less_than"]))
        else:
            policy = signer.build_policy(
                c["resource"], ts(c["date_less_than"]),
                date_greater_than=ts(c["date_greater_than"]) if "date_greater_than" in c else None,
                ip_address=c.get("ip_address"))
            signed = signer.generate_presigned_url(c["url"], policy=policy)
        assert policy == v["policy_json"], c["name"]
        sig = base64.b64decode(
            signed.split("Signature=")[1].split("&")[0]
            .replace("-", "+").replace("_", "=").replace("~", "/"))
        verify(sig, policy.encode())
        c.update(policy_json=policy, signature_b64=cf_b64(sig), signature_hex=sig.hex(),
                 signed_url=signed + "&Hash-Algorithm=SHA256")
        out.append(c)
    return out


rsa_cases = signed_cases(
    rsa_sha256,
    lambda s, m: rsa_key.public_key().verify(s, m, padding.PKCS1v15(), hashes.SHA256()))
for c in rsa_cases:
    assert bytes.fromhex(c["signature_hex"]) == rsa_sha256(c["policy_json"].encode())
ec_cases = signed_cases(
    ecdsa_sha256,
    lambda s, m: ec_key.public_key().verify(s, m, ec.ECDSA(hashes.SHA256())))

ec_sec1 = pem(ec_key, serialization.PrivateFormat.TraditionalOpenSSL)
assert ec_sec1.startswith("-----BEGIN EC PRIVATE KEY-----")
# `openssl ecparam -name prime256v1 -genkey` (without -noout) writes this first.
ec_params = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"

# An ECPrivateKey (RFC 5915) without its optional public key.
def der(tag, body):
    n = len(body)
    length = bytes([n]) if n < 128 else bytes([0x81, n])
    return bytes([tag]) + length + body

scalar = ec_key.private_numbers().private_value.to_bytes(32, "big")
p256_oid = der(0x06, bytes.fromhex("2a8648ce3d030107"))
no_public = der(0x30, der(0x02, b"\x01") + der(0x04, scalar) + der(0xA0, p256_oid))
no_public_pem = ("-----BEGIN EC PRIVATE KEY-----\n"
                 + base64.encodebytes(no_public).decode()
                 + "-----END EC PRIVATE KEY-----\n")

p384 = ec.generate_private_key(ec.SECP384R1())
secret = serialization.BestAvailableEncryption(b"passphrase")
doc = {
    "description": "CloudFront signed-URL vectors for RSA PKCS#1 v1.5 + SHA-256 (the RSA key and the "
                   "six cases of cloudfront_signed_url_vectors.json) and ECDSA P-256 + SHA-256 (DER "
                   "signatures, randomized: verify, do not compare), made with botocore "
                   f"{botocore.__version__} CloudFrontSigner and cryptography; SHA-256 URLs end with "
                   "'&Hash-Algorithm=SHA256'. bad_keys: PEM files a signer must refuse. "
                   "Test keys only - never use in production.",
    "key_pair_id": KEY_ID,
    "rsa_sha256": rsa_cases,
    "ecdsa_p256": {
        "private_key_pem_sec1": ec_sec1,
        "private_key_pem_sec1_with_params": ec_params + ec_sec1,
        "private_key_pem_pkcs8": pem(ec_key, serialization.PrivateFormat.PKCS8),
        "public_key_pem": ec_key.public_key().public_bytes(
            PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode(),
        "public_key_point_hex": ec_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint).hex(),
        "vectors": ec_cases,
    },
    "bad_keys": {
        "p384_sec1": pem(p384, serialization.PrivateFormat.TraditionalOpenSSL),
        "p384_pkcs8": pem(p384, serialization.PrivateFormat.PKCS8),
        "ed25519_pkcs8": pem(ed25519.Ed25519PrivateKey.generate(), serialization.PrivateFormat.PKCS8),
        "rsa_encrypted_pkcs8": pem(rsa_key, serialization.PrivateFormat.PKCS8, secret),
        "rsa_encrypted_pkcs1": pem(rsa_key, serialization.PrivateFormat.TraditionalOpenSSL, secret),
        "ec_encrypted_sec1": pem(ec_key, serialization.PrivateFormat.TraditionalOpenSSL, secret),
        "ec_without_public_key": no_public_pem,
        "rsa_public_key": sha1_doc["public_key_pem"],
    },
}
json.dump(doc, open(out_path, "w"), indent=2)
for c in rsa_cases + ec_cases:
    print(c["name"], c["signed_url"][:100], "...")

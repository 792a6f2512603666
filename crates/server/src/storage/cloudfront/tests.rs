//! The signer against AWS's own output: botocore's `CloudFrontSigner` over
//! `cryptography` keys made every vector. RSA signatures (PKCS#1 v1.5, SHA-1
//! or SHA-256) must match byte for byte; ECDSA ones are randomized, so the
//! vectors' and ours are verified with the public key instead. And every
//! key file proofline must refuse, refused with a message that says why.

use ring::signature::{ECDSA_P256_SHA256_ASN1, UnparsedPublicKey};

use super::*;

/// RSA, PKCS#1 v1.5 with SHA-1 (`gen_cloudfront_vectors.py` beside them);
/// the same fixtures prove `proofline_core::expiry`.
const SHA1_VECTORS: &str =
    include_str!("../../../../core/tests/fixtures/cloudfront_signed_url_vectors.json");
/// The same cases signed with SHA-256 (the same RSA key) and with an ECDSA
/// P-256 key, and key files to refuse
/// (`testdata/gen_cloudfront_sha256_ecdsa_vectors.py`).
const MORE_VECTORS: &str = include_str!("testdata/cloudfront_sha256_ecdsa_vectors.json");

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap()
}

fn str_of<'a>(v: &'a serde_json::Value, field: &str) -> &'a str {
    v[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field} missing"))
}

fn policy_of(v: &serde_json::Value) -> CustomPolicy {
    CustomPolicy {
        resource: str_of(v, "resource").to_owned(),
        date_less_than: v["date_less_than"].as_i64().unwrap(),
        date_greater_than: v["date_greater_than"].as_i64(),
        ip_address: v["ip_address"].as_str().map(str::to_owned),
    }
}

/// The case's policy JSON and the URL `signer` makes for it.
fn sign_case(signer: &CloudFrontSigner, v: &serde_json::Value) -> (String, String) {
    let url = str_of(v, "url");
    if str_of(v, "kind") == "canned" {
        let expires = v["date_less_than"].as_i64().unwrap();
        (canned_policy(url, expires), signer.canned_url(url, expires))
    } else {
        let p = policy_of(v);
        (p.to_json(), signer.custom_url(url, &p))
    }
}

/// Checks every case of `cases` byte for byte: policy, signature, URL.
fn check_deterministic(signer: &CloudFrontSigner, cases: &serde_json::Value, label: &str) {
    let cases = cases.as_array().unwrap();
    assert_eq!(cases.len(), 6);
    for v in cases {
        let name = str_of(v, "name");
        let (policy, signed) = sign_case(signer, v);
        assert_eq!(policy, str_of(v, "policy_json"), "{label} {name}: policy");
        assert_eq!(
            signer.sign(&policy),
            str_of(v, "signature_b64"),
            "{label} {name}: signature"
        );
        assert_eq!(signed, str_of(v, "signed_url"), "{label} {name}: URL");
    }
}

#[test]
fn rsa_sha1_urls_match_botocore_byte_for_byte_with_either_key_format() {
    let doc = json(SHA1_VECTORS);
    let id = str_of(&doc, "key_pair_id");
    for pem in ["private_key_pem_pkcs1", "private_key_pem_pkcs8"] {
        for hash in [None, Some(HashAlgorithm::Sha1)] {
            let signer = CloudFrontSigner::from_pem(id, str_of(&doc, pem), hash).unwrap();
            assert_eq!(signer.hash(), HashAlgorithm::Sha1);
            assert_eq!(signer.algorithm(), "RSA with SHA-1");
            check_deterministic(&signer, &doc["vectors"], &format!("{pem} {hash:?}"));
        }
    }
}

#[test]
fn rsa_sha256_urls_match_byte_for_byte_and_say_so() {
    let sha1 = json(SHA1_VECTORS);
    let doc = json(MORE_VECTORS);
    let id = str_of(&doc, "key_pair_id");
    for pem in ["private_key_pem_pkcs1", "private_key_pem_pkcs8"] {
        let signer =
            CloudFrontSigner::from_pem(id, str_of(&sha1, pem), Some(HashAlgorithm::Sha256))
                .unwrap();
        assert_eq!(signer.algorithm(), "RSA with SHA-256");
        check_deterministic(&signer, &doc["rsa_sha256"], pem);
        for v in doc["rsa_sha256"].as_array().unwrap() {
            assert!(str_of(v, "signed_url").ends_with("&Hash-Algorithm=SHA256"));
        }
    }
}

/// `url` with its signature's value blanked.
fn unsigned(url: &str) -> (String, String) {
    let (head, rest) = url.split_once("Signature=").unwrap();
    let (signature, tail) = rest.split_once('&').unwrap();
    (format!("{head}Signature=…&{tail}"), signature.to_owned())
}

#[test]
fn ecdsa_urls_verify_with_the_public_key_from_any_key_format() {
    let doc = json(MORE_VECTORS);
    let id = str_of(&doc, "key_pair_id");
    let ec = &doc["ecdsa_p256"];
    let point = hex::decode(str_of(ec, "public_key_point_hex")).unwrap();
    let public = UnparsedPublicKey::new(&ECDSA_P256_SHA256_ASN1, &point);
    let verify = |policy: &str, signature_b64: &str, what: &str| {
        let signature = proofline_core::expiry::cloudfront_base64_decode(signature_b64).unwrap();
        public
            .verify(policy.as_bytes(), &signature)
            .unwrap_or_else(|_| panic!("{what}: the signature does not verify"));
    };
    let cases = ec["vectors"].as_array().unwrap();
    assert_eq!(cases.len(), 6);
    for v in cases {
        let name = str_of(v, "name");
        let (url, signature) = unsigned(str_of(v, "signed_url"));
        assert_eq!(signature, str_of(v, "signature_b64"), "{name}");
        assert!(url.ends_with("&Hash-Algorithm=SHA256"), "{name}: {url}");
        verify(
            str_of(v, "policy_json"),
            &signature,
            &format!("vector {name}"),
        );
    }
    for pem in [
        "private_key_pem_sec1",
        "private_key_pem_sec1_with_params",
        "private_key_pem_pkcs8",
    ] {
        for hash in [None, Some(HashAlgorithm::Sha256)] {
            let signer = CloudFrontSigner::from_pem(id, str_of(ec, pem), hash).unwrap();
            assert_eq!(signer.hash(), HashAlgorithm::Sha256);
            assert_eq!(signer.algorithm(), "ECDSA P-256 with SHA-256");
            for v in cases {
                let name = format!("{pem} {hash:?} {}", str_of(v, "name"));
                let (policy, signed) = sign_case(&signer, v);
                assert_eq!(policy, str_of(v, "policy_json"), "{name}: policy");
                let (ours, signature) = unsigned(&signed);
                assert_eq!(ours, unsigned(str_of(v, "signed_url")).0, "{name}: URL");
                verify(&policy, &signature, &name);
            }
        }
    }
}

fn refusal(pem: &str, hash: Option<HashAlgorithm>) -> String {
    match CloudFrontSigner::from_pem("K1", pem, hash) {
        Ok(_) => panic!("accepted {pem}"),
        Err(e) => format!("{e:#}"),
    }
}

#[test]
fn keys_cloudfront_cannot_use_are_refused_with_the_reason() {
    let doc = json(MORE_VECTORS);
    let bad = &doc["bad_keys"];
    for (key, expected) in [
        ("p384_sec1", "on curve P-384 (secp384r1)"),
        ("p384_pkcs8", "on curve P-384 (secp384r1)"),
        ("ed25519_pkcs8", "a key of type Ed25519"),
        ("rsa_encrypted_pkcs8", "encrypted with a passphrase"),
        ("rsa_encrypted_pkcs1", "encrypted with a passphrase"),
        ("ec_encrypted_sec1", "encrypted with a passphrase"),
        ("ec_without_public_key", "does not include its public key"),
        ("rsa_public_key", "holds a public key (PUBLIC KEY)"),
    ] {
        let e = refusal(str_of(bad, key), None);
        assert!(e.contains(expected), "{key}: {e}");
    }
    let ec = str_of(&doc["ecdsa_p256"], "private_key_pem_pkcs8");
    let e = refusal(ec, Some(HashAlgorithm::Sha1));
    assert!(e.contains("only accepts with SHA-256"), "{e}");

    let e = refusal("not a key", None);
    assert!(e.contains("is not a PEM file"), "{e}");
    let rsa = str_of(&json(SHA1_VECTORS), "private_key_pem_pkcs1").to_owned();
    let cut = &rsa[..rsa.find("-----END").unwrap()];
    assert!(refusal(cut, None).contains("has no END line"));
    let e = refusal(&format!("{rsa}{ec}"), None);
    assert!(e.contains("more than one private key"), "{e}");
    let e = refusal(
        "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n",
        None,
    );
    assert!(e.contains("holds a certificate"), "{e}");
    let e = refusal(
        "-----BEGIN PRIVATE KEY-----\n%%%%\n-----END PRIVATE KEY-----\n",
        None,
    );
    assert!(e.contains("not base64"), "{e}");
    let e = refusal(
        "-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n",
        None,
    );
    assert!(e.contains("(PKCS#8) cannot be read"), "{e}");
    let e = match CloudFrontSigner::from_pem("", &rsa, None) {
        Ok(_) => panic!("an empty key pair id"),
        Err(e) => e.to_string(),
    };
    assert!(e.contains("key pair id is empty"), "{e}");
}

#[test]
fn hash_settings_read_either_spelling() {
    for (text, hash) in [
        ("sha1", HashAlgorithm::Sha1),
        ("SHA-1", HashAlgorithm::Sha1),
        ("sha256", HashAlgorithm::Sha256),
        (" SHA256 ", HashAlgorithm::Sha256),
    ] {
        assert_eq!(text.parse::<HashAlgorithm>(), Ok(hash), "{text}");
    }
    let e = "md5".parse::<HashAlgorithm>().unwrap_err();
    assert!(e.contains("expected sha1 or sha256"), "{e}");
    assert_eq!(HashAlgorithm::Sha256.to_string(), "sha256");
}

#[test]
fn cloudfront_base64_uses_its_own_alphabet() {
    assert_eq!(cloudfront_base64(&[0xfb, 0xff]), "-~8_");
}

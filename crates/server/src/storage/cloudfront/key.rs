//! The private key that signs CloudFront URLs, read from its PEM file, in the
//! key and hash types CloudFront accepts: RSA (PKCS#1 "RSA PRIVATE KEY" or
//! PKCS#8 "PRIVATE KEY") with SHA-1, its default, or SHA-256; ECDSA P-256
//! (SEC1 "EC PRIVATE KEY", as `openssl ecparam` writes it, or PKCS#8) with
//! SHA-256 only. The key's type comes from the file; the hash is a setting,
//! for RSA.
//!
//! RSA signs through the `rsa` crate with blinding: every signature is
//! computed on a fresh random multiple of the message, so its timing says
//! nothing of the private key (RUSTSEC-2023-0071, the Marvin attack, times
//! unblinded operations). The signatures are the same as unblinded ones:
//! PKCS#1 v1.5 is deterministic. ECDSA signs through `ring` (randomized
//! nonces), its signature DER-encoded as CloudFront wants.

use std::fmt;
use std::str::FromStr;

use anyhow::{Context as _, anyhow, bail, ensure};
use base64::Engine as _;
use pkcs8::der::asn1::{AnyRef, BitStringRef, ContextSpecific, OctetStringRef};
use pkcs8::der::{Decode as _, Reader as _, SliceReader, Tag, TagNumber, Tagged as _};
use pkcs8::{ObjectIdentifier, PrivateKeyInfo};
use rand::rngs::OsRng;
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair};
use rsa::RsaPrivateKey;
use rsa::pkcs1::DecodeRsaPrivateKey as _;
use rsa::pkcs1v15::SigningKey as RsaSigningKey;
use rsa::pkcs8::DecodePrivateKey as _;
use rsa::signature::{RandomizedSigner as _, SignatureEncoding as _};

/// The hash a CloudFront signature is made over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(try_from = "String")]
pub enum HashAlgorithm {
    /// CloudFront's default, and the only hash older signers know.
    Sha1,
    /// Marked in the URL with `Hash-Algorithm=SHA256`.
    Sha256,
}

impl HashAlgorithm {
    /// As the settings spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            HashAlgorithm::Sha1 => "sha1",
            HashAlgorithm::Sha256 => "sha256",
        }
    }

    /// The `Hash-Algorithm` value a signed URL carries; none for SHA-1,
    /// CloudFront's default.
    pub fn query_value(self) -> Option<&'static str> {
        match self {
            HashAlgorithm::Sha1 => None,
            HashAlgorithm::Sha256 => Some("SHA256"),
        }
    }
}

impl fmt::Display for HashAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for HashAlgorithm {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "sha1" | "sha-1" => Ok(HashAlgorithm::Sha1),
            "sha256" | "sha-256" => Ok(HashAlgorithm::Sha256),
            _ => Err(format!(
                "unknown CloudFront hash algorithm {s:?}: expected sha1 or sha256"
            )),
        }
    }
}

impl TryFrom<String> for HashAlgorithm {
    type Error = String;

    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

/// A loaded key with the hash it signs with.
pub(super) enum SigningKey {
    RsaSha1(RsaSigningKey<sha1::Sha1>),
    RsaSha256(RsaSigningKey<sha2::Sha256>),
    EcdsaP256 {
        pair: EcdsaKeyPair,
        rng: SystemRandom,
    },
}

impl SigningKey {
    /// The key in `pem`, signing with `hash` (`None`: the key type's default,
    /// SHA-1 for RSA as CloudFront assumes, SHA-256 for ECDSA).
    pub(super) fn from_pem(pem: &str, hash: Option<HashAlgorithm>) -> anyhow::Result<Self> {
        Ok(match read_private_key(pem)? {
            PrivateKey::Rsa(key) => match hash.unwrap_or(HashAlgorithm::Sha1) {
                HashAlgorithm::Sha1 => SigningKey::RsaSha1(RsaSigningKey::new(*key)),
                HashAlgorithm::Sha256 => SigningKey::RsaSha256(RsaSigningKey::new(*key)),
            },
            PrivateKey::EcP256 { scalar, point } => {
                ensure!(
                    hash != Some(HashAlgorithm::Sha1),
                    "the CloudFront private key is an ECDSA P-256 key, which CloudFront only \
                     accepts with SHA-256: set the CloudFront hash to sha256, or leave it unset"
                );
                let rng = SystemRandom::new();
                let pair = EcdsaKeyPair::from_private_key_and_public_key(
                    &ECDSA_P256_SHA256_ASN1_SIGNING,
                    &scalar,
                    &point,
                    &rng,
                )
                .map_err(|e| {
                    anyhow!(
                        "the CloudFront private key is not a valid ECDSA P-256 key ({e}): its \
                         public key must be the private one's, uncompressed"
                    )
                })?;
                SigningKey::EcdsaP256 { pair, rng }
            }
        })
    }

    pub(super) fn hash(&self) -> HashAlgorithm {
        match self {
            SigningKey::RsaSha1(_) => HashAlgorithm::Sha1,
            SigningKey::RsaSha256(_) | SigningKey::EcdsaP256 { .. } => HashAlgorithm::Sha256,
        }
    }

    /// The key type and hash, for messages.
    pub(super) fn algorithm(&self) -> &'static str {
        match self {
            SigningKey::RsaSha1(_) => "RSA with SHA-1",
            SigningKey::RsaSha256(_) => "RSA with SHA-256",
            SigningKey::EcdsaP256 { .. } => "ECDSA P-256 with SHA-256",
        }
    }

    /// The signature of `message`: RSA PKCS#1 v1.5 (blinded), or ECDSA as DER.
    pub(super) fn sign(&self, message: &[u8]) -> Vec<u8> {
        // Both fail only if the operating system's random number generator
        // does, as `OsRng` itself panics then.
        match self {
            SigningKey::RsaSha1(key) => key.sign_with_rng(&mut OsRng, message).to_vec(),
            SigningKey::RsaSha256(key) => key.sign_with_rng(&mut OsRng, message).to_vec(),
            SigningKey::EcdsaP256 { pair, rng } => pair
                .sign(rng, message)
                .expect("the operating system's random number generator works")
                .as_ref()
                .to_vec(),
        }
    }
}

// Object identifiers of the key types and curves a key file may name.
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const RSASSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const DSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10040.4.1");
const X25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.110");
const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const ED448: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.113");
const P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const P521: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");
const SECP256K1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.10");

/// A private key CloudFront can check signatures of.
enum PrivateKey {
    Rsa(Box<RsaPrivateKey>),
    /// The private scalar (32 bytes, big-endian) and the uncompressed public point.
    EcP256 {
        scalar: Vec<u8>,
        point: Vec<u8>,
    },
}

const KEY_FORMATS: &str = "-----BEGIN PRIVATE KEY----- (PKCS#8), \
     -----BEGIN RSA PRIVATE KEY----- (PKCS#1) or -----BEGIN EC PRIVATE KEY----- (SEC1)";

fn read_private_key(text: &str) -> anyhow::Result<PrivateKey> {
    let blocks = pem_blocks(text)?;
    let mut keys = blocks.iter().filter(|b| b.label.ends_with("PRIVATE KEY"));
    let Some(block) = keys.next() else {
        let what = match blocks.first().map(|b| b.label) {
            None => bail!(
                "the CloudFront private key is not a PEM file: expected a block starting with \
                 {KEY_FORMATS}"
            ),
            Some(label @ ("PUBLIC KEY" | "RSA PUBLIC KEY")) => format!("a public key ({label})"),
            Some("CERTIFICATE") => "a certificate".to_owned(),
            Some(label) => format!("no private key, only {label}"),
        };
        bail!(
            "the CloudFront private key file holds {what}: it must be the private key whose \
             public key is in the distribution's key group ({KEY_FORMATS})"
        );
    };
    ensure!(
        keys.next().is_none(),
        "the CloudFront private key file holds more than one private key: keep only the one \
         whose public key is in the distribution's key group"
    );
    ensure!(
        !block.encrypted && block.label != "ENCRYPTED PRIVATE KEY",
        "the CloudFront private key is encrypted with a passphrase; it must be stored \
         unencrypted (`openssl pkey -in KEY.pem -out PLAIN.pem` writes it so; keep that file \
         readable by proofline alone)"
    );
    match block.label {
        "RSA PRIVATE KEY" => RsaPrivateKey::from_pkcs1_der(&block.der)
            .map(|key| PrivateKey::Rsa(Box::new(key)))
            .map_err(|e| anyhow!("the CloudFront RSA private key (PKCS#1) cannot be read: {e}")),
        "EC PRIVATE KEY" => ec_key(&block.der, None, None),
        "PRIVATE KEY" => pkcs8_key(&block.der),
        "OPENSSH PRIVATE KEY" => bail!(
            "the CloudFront private key is in OpenSSH's own format; convert it to PKCS#8 with \
             `ssh-keygen -p -m PKCS8 -f KEY`"
        ),
        label => bail!(
            "the CloudFront private key is a {label}, which is not supported: expected \
             {KEY_FORMATS}"
        ),
    }
}

/// A PKCS#8 key: RSA or EC, as its algorithm identifier says.
fn pkcs8_key(der: &[u8]) -> anyhow::Result<PrivateKey> {
    let info = PrivateKeyInfo::from_der(der)
        .map_err(|e| anyhow!("the CloudFront private key (PKCS#8) cannot be read: {e}"))?;
    let oid = info.algorithm.oid;
    if oid == RSA_ENCRYPTION {
        return RsaPrivateKey::from_pkcs8_der(der)
            .map(|key| PrivateKey::Rsa(Box::new(key)))
            .map_err(|e| anyhow!("the CloudFront RSA private key (PKCS#8) cannot be read: {e}"));
    }
    if oid == EC_PUBLIC_KEY {
        let curve = info.algorithm.parameters_oid().map_err(|_| {
            anyhow!(
                "the CloudFront EC private key names no curve (or spells the curve out): \
                 CloudFront needs a P-256 (prime256v1) key named as such"
            )
        })?;
        return ec_key(info.private_key, Some(curve), info.public_key);
    }
    let kind = match oid {
        RSASSA_PSS => "RSA-PSS".to_owned(),
        DSA => "DSA".to_owned(),
        X25519 => "X25519".to_owned(),
        ED25519 => "Ed25519".to_owned(),
        ED448 => "Ed448".to_owned(),
        oid => format!("OID {oid}"),
    };
    bail!(
        "the CloudFront private key is a key of type {kind}: CloudFront signs with RSA or ECDSA \
         P-256 keys only"
    )
}

/// An `ECPrivateKey` (RFC 5915, SEC1), alone or inside PKCS#8 (whose
/// algorithm names the curve, and which may carry the public key itself).
fn ec_key(
    der: &[u8],
    outer_curve: Option<ObjectIdentifier>,
    outer_point: Option<&[u8]>,
) -> anyhow::Result<PrivateKey> {
    let key = parse_ec_private_key(der)
        .map_err(|e| anyhow!("the CloudFront EC private key cannot be read: {e}"))?;
    let inner_curve = match key.curve {
        None => None,
        Some(any) if any.tag() == Tag::ObjectIdentifier => Some(
            any.decode_as::<ObjectIdentifier>()
                .map_err(|e| anyhow!("the CloudFront EC private key's curve is unreadable: {e}"))?,
        ),
        Some(_) => bail!(
            "the CloudFront EC private key spells its curve's parameters out; write it with the \
             curve's name (`openssl ec -in KEY.pem -param_enc named_curve -out NAMED.pem`)"
        ),
    };
    let curve = match (outer_curve, inner_curve) {
        (Some(outer), Some(inner)) if outer != inner => bail!(
            "the CloudFront EC private key names two curves, {} and {}",
            curve_name(outer),
            curve_name(inner)
        ),
        (Some(curve), _) | (None, Some(curve)) => curve,
        (None, None) => bail!("the CloudFront EC private key names no curve"),
    };
    ensure!(
        curve == P256,
        "the CloudFront private key is an EC key on curve {}: CloudFront accepts ECDSA keys on \
         P-256 (prime256v1) only",
        curve_name(curve)
    );
    ensure!(
        key.scalar.len() <= 32,
        "the CloudFront EC private key's secret is longer than a P-256 one"
    );
    let mut scalar = vec![0; 32 - key.scalar.len()];
    scalar.extend_from_slice(key.scalar);
    let point = key.point.or(outer_point).context(
        "the CloudFront EC private key does not include its public key, which signing needs: \
         write it again with it (`openssl ec -in KEY.pem -out FULL.pem`)",
    )?;
    Ok(PrivateKey::EcP256 {
        scalar,
        point: point.to_vec(),
    })
}

fn curve_name(oid: ObjectIdentifier) -> String {
    match oid {
        P256 => "P-256 (prime256v1)".to_owned(),
        P384 => "P-384 (secp384r1)".to_owned(),
        P521 => "P-521 (secp521r1)".to_owned(),
        SECP256K1 => "secp256k1".to_owned(),
        oid => oid.to_string(),
    }
}

/// The fields of an `ECPrivateKey` proofline uses.
struct EcPrivateKey<'a> {
    scalar: &'a [u8],
    curve: Option<AnyRef<'a>>,
    point: Option<&'a [u8]>,
}

/// `ECPrivateKey ::= SEQUENCE { version INTEGER (1), privateKey OCTET STRING,
/// parameters [0] ECParameters OPTIONAL, publicKey [1] BIT STRING OPTIONAL }`.
fn parse_ec_private_key(der: &[u8]) -> pkcs8::der::Result<EcPrivateKey<'_>> {
    let mut reader = SliceReader::new(der)?;
    let key = reader.sequence(|seq| {
        if u8::decode(seq)? != 1 {
            return Err(Tag::Integer.value_error());
        }
        let scalar = OctetStringRef::decode(seq)?.as_bytes();
        let curve = ContextSpecific::<AnyRef<'_>>::decode_explicit(seq, TagNumber::N0)?
            .map(|field| field.value);
        let point = match ContextSpecific::<BitStringRef<'_>>::decode_explicit(seq, TagNumber::N1)?
        {
            Some(field) => Some(
                field
                    .value
                    .as_bytes()
                    .ok_or_else(|| Tag::BitString.value_error())?,
            ),
            None => None,
        };
        Ok(EcPrivateKey {
            scalar,
            curve,
            point,
        })
    })?;
    reader.finish(key)
}

/// One `-----BEGIN LABEL-----` ... `-----END LABEL-----` block of a PEM file.
struct PemBlock<'a> {
    label: &'a str,
    /// OpenSSL's legacy encryption (`Proc-Type: 4,ENCRYPTED` header).
    encrypted: bool,
    der: Vec<u8>,
}

/// Every block of a PEM file, in order (`openssl ecparam -genkey` writes the
/// curve's `EC PARAMETERS` before the key), text around them ignored.
fn pem_blocks(text: &str) -> anyhow::Result<Vec<PemBlock<'_>>> {
    let mut blocks = Vec::new();
    let mut lines = text.lines().map(str::trim);
    while let Some(line) = lines.next() {
        let Some(label) = line
            .strip_prefix("-----BEGIN ")
            .and_then(|l| l.strip_suffix("-----"))
        else {
            continue;
        };
        let end = format!("-----END {label}-----");
        let (mut body, mut encrypted, mut closed) = (String::new(), false, false);
        for line in lines.by_ref() {
            if line == end {
                closed = true;
                break;
            }
            match line.split_once(':') {
                Some((name, value)) => {
                    encrypted |= name.trim().eq_ignore_ascii_case("Proc-Type")
                        && value.contains("ENCRYPTED");
                }
                None => body.push_str(line),
            }
        }
        ensure!(
            closed,
            "the CloudFront private key file is cut short: its {label} block has no END line"
        );
        let der = base64::engine::general_purpose::STANDARD
            .decode(&body)
            .map_err(|e| {
                anyhow!("the CloudFront private key file's {label} block is not base64 ({e})")
            })?;
        blocks.push(PemBlock {
            label,
            encrypted,
            der,
        });
    }
    Ok(blocks)
}

#!/usr/bin/env bash
# Regenerates the test-only certificates of this folder (see README.md). Run from this folder; needs openssl 3.
set -euo pipefail
DAYS=36500   # 100 years: the tests never see them expire
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ext() { # $1: file, $2: extendedKeyUsage, $3: subjectAltName (may be empty)
    {
        echo "basicConstraints=critical,CA:FALSE"
        echo "keyUsage=critical,digitalSignature,keyEncipherment"
        echo "extendedKeyUsage=$2"
        if [ -n "$3" ]; then echo "subjectAltName=$3"; fi
    } >"$1"
}

# the test CA: ECDSA P-256
openssl ecparam -name prime256v1 -genkey -noout -out "$tmp/ca.key"
openssl req -x509 -new -key "$tmp/ca.key" -sha256 -days $DAYS -subj "/O=Fjord Test/CN=Fjord Test CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.pem

sign() { # $1: name, $2: key file, $3: subject, $4: extendedKeyUsage, $5: SANs
    openssl req -new -key "$2" -subj "$3" -out "$tmp/$1.csr"
    ext "$tmp/$1.ext" "$4" "$5"
    openssl x509 -req -in "$tmp/$1.csr" -CA ca.pem -CAkey "$tmp/ca.key" -CAcreateserial -CAserial "$tmp/ca.srl" \
        -days $DAYS -sha256 -extfile "$tmp/$1.ext" -out "$tmp/$1.crt"
}

SITE_SANS="DNS:localhost,IP:127.0.0.1,DNS:*.example.test"

# site-ecdsa.pem: ECDSA P-256, localhost, 127.0.0.1, *.example.test; key in SEC1 form (BEGIN EC PRIVATE KEY)
openssl ecparam -name prime256v1 -genkey -noout -out "$tmp/site-ecdsa.key"
sign site-ecdsa "$tmp/site-ecdsa.key" "/O=Fjord Test/CN=localhost" serverAuth "$SITE_SANS"
cat "$tmp/site-ecdsa.crt" "$tmp/site-ecdsa.key" >site-ecdsa.pem

# site-rsa.pem: RSA 2048, the same names (the certificate swapped in); key in PKCS#8 (BEGIN PRIVATE KEY)
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$tmp/site-rsa.key"
sign site-rsa "$tmp/site-rsa.key" "/O=Fjord Test/CN=localhost" serverAuth "$SITE_SANS"
cat "$tmp/site-rsa.crt" "$tmp/site-rsa.key" >site-rsa.pem

# a-rsa.pem: RSA 2048, a.example.test only, with the CA after it (a chain); key in PKCS#1 (BEGIN RSA PRIVATE KEY)
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$tmp/a-rsa.p8"
openssl rsa -in "$tmp/a-rsa.p8" -traditional -out "$tmp/a-rsa.key"
sign a-rsa "$tmp/a-rsa.key" "/O=Fjord Test/CN=a.example.test" serverAuth "DNS:a.example.test"
cat "$tmp/a-rsa.crt" ca.pem "$tmp/a-rsa.key" >a-rsa.pem

# client.pem: a client certificate (ECDSA P-256, PKCS#8 key) for verify required
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/client.key"
sign client "$tmp/client.key" "/C=NO/O=Fjord Test/CN=fjord-client" clientAuth ""
cat "$tmp/client.crt" "$tmp/client.key" >client.pem

# self-signed.pem: localhost and 127.0.0.1, signed by nobody the tests trust (refused as server and as client)
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/self.key"
openssl req -x509 -new -key "$tmp/self.key" -sha256 -days $DAYS -subj "/O=Nobody/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -addext "extendedKeyUsage=serverAuth,clientAuth" \
    -out "$tmp/self.crt"
cat "$tmp/self.crt" "$tmp/self.key" >self-signed.pem

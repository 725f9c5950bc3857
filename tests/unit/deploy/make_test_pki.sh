#!/usr/bin/env bash
# make_test_pki.sh DIR NAME[:DNS] ...: a throw-away CA and one certificate per
# NAME (ECDSA P-256, 2 days), with openssl only, as docs/operations.md
# ("Certificates for a test federation") shows. Writes DIR/ca.pem,
# DIR/ca.key, DIR/NAME.pem and DIR/NAME.key (unencrypted PKCS#8, mode 0600).
# Every certificate gets SAN DNS:<DNS> (default: NAME), DNS:localhost and
# IP:127.0.0.1, and both serverAuth and clientAuth.
# For tests and trials only: a hospital's certificates come from its PKI.
set -euo pipefail
dir=$1
shift
mkdir -p "$dir"
umask 077
openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -keyout "$dir/ca.key" -out "$dir/ca.pem" -days 2 -subj "/CN=dsfl test CA" \
  -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
for spec in "$@"; do
  name=${spec%%:*}
  dns=${spec#*:}
  [ "$dns" = "$spec" ] && dns=$name
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$dir/$name.key" -out "$dir/$name.csr" -subj "/CN=$name" 2>/dev/null
  printf '%s\n' \
    "basicConstraints=critical,CA:FALSE" \
    "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=serverAuth,clientAuth" \
    "subjectAltName=DNS:$dns,DNS:localhost,IP:127.0.0.1" >"$dir/$name.ext"
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
    -CAcreateserial -days 2 -extfile "$dir/$name.ext" -out "$dir/$name.pem" \
    2>/dev/null
  rm -f "$dir/$name.csr" "$dir/$name.ext"
done
rm -f "$dir/ca.srl"
chmod 0644 "$dir"/*.pem

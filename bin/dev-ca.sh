#!/usr/bin/env bash
# Makes a development certificate authority and node certificates for busmesh's event-bus mutual
# TLS and signed control plane. NOT for production: the CA key sits unencrypted next to the certs.
#
#   bin/dev-ca.sh DIR NODE_NAME...     e.g. bin/dev-ca.sh certs node-1 node-2 node-3 caller
#
# DIR gets ca.crt and ca.key (made once, reused by later runs) and, per node, NODE_NAME.key (EC
# P-256, PKCS#8 PEM) and NODE_NAME.crt (CN=NODE_NAME, SAN 127.0.0.1 and localhost, for both TLS
# server and client use, signed by the CA). Point a node's conf at them:
#   "mesh": {"security": {"keyPath": "DIR/node-1.key", "certPath": "DIR/node-1.crt", "caPath": "DIR/ca.crt"}}
set -euo pipefail

if [[ $# -lt 2 ]]; then
  echo "usage: $0 DIR NODE_NAME..." >&2
  exit 2
fi
command -v openssl >/dev/null || { echo "dev-ca: openssl is required (apt-get install openssl)" >&2; exit 1; }
DIR=$1
shift
DAYS=${DEV_CA_DAYS:-825}
mkdir -p "$DIR"
umask 077

if [[ ! -f $DIR/ca.key || ! -f $DIR/ca.crt ]]; then
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$DIR/ca.key"
  openssl req -x509 -new -key "$DIR/ca.key" -sha256 -days "$DAYS" -subj "/CN=busmesh development CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$DIR/ca.crt"
  echo "dev-ca: made the CA $DIR/ca.crt"
fi

for name in "$@"; do
  if [[ ! $name =~ ^[A-Za-z0-9._-]+$ ]]; then
    echo "dev-ca: node name '$name' may hold only letters, digits, '.', '_' and '-'" >&2
    exit 2
  fi
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$DIR/$name.key"
  openssl req -new -key "$DIR/$name.key" -subj "/CN=$name" -out "$DIR/$name.csr"
  openssl x509 -req -in "$DIR/$name.csr" -CA "$DIR/ca.crt" -CAkey "$DIR/ca.key" -CAcreateserial \
    -days "$DAYS" -sha256 -out "$DIR/$name.crt" -extfile <(printf '%s\n' \
      "basicConstraints=critical,CA:FALSE" \
      "keyUsage=critical,digitalSignature,keyEncipherment" \
      "extendedKeyUsage=serverAuth,clientAuth" \
      "subjectAltName=IP:127.0.0.1,DNS:localhost")
  rm -f "$DIR/$name.csr"
  echo "dev-ca: made $DIR/$name.key and $DIR/$name.crt (CN=$name)"
done
chmod 644 "$DIR"/*.crt

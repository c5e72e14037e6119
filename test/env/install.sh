#!/usr/bin/env bash
# Installs what the integration tier needs, and only what is missing:
#   - Debian packages: etcd-server, prometheus, openssl, iproute2, unzip, chromium (and the Go toolchain to build kube)
#   - kube-apiserver and kube-controller-manager 1.20.2, built from Debian bookworm's `kubernetes`
#     source package and cached under $CANOPY_CACHE (default ~/.cache/canopy).
# Safe to run repeatedly; a second run with everything present does nothing and takes < 1 s.
set -euo pipefail

KUBE_SRC_VERSION="1.20.5+really1.20.2-1.1+deb12u1"
CACHE="${CANOPY_CACHE:-$HOME/.cache/canopy}"
KUBE_BIN="$CACHE/kube-1.20.2"
log() { printf '[canopy-env] %s\n' "$*" >&2; }
die() { printf '[canopy-env] error: %s\n' "$*" >&2; exit 1; }

need_root() {
  if [ "$(id -u)" != 0 ]; then
    die "$1 is missing and installing it needs root. Install it yourself (Debian: $2), or run 'sudo $0', or set CANOPY_SKIP_INTEGRATION=1 to skip the integration tests."
  fi
  command -v apt-get >/dev/null || die "$1 is missing and this is not a Debian-like system (no apt-get). Install $1 yourself, or set CANOPY_SKIP_INTEGRATION=1."
}

apt_updated=0
apt_install() {
  need_root "$*" "apt-get install $*"
  if [ $apt_updated = 0 ]; then log "apt-get update"; apt-get update -qq >&2; apt_updated=1; fi
  log "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

missing=()
command -v etcd >/dev/null || missing+=(etcd-server)
command -v prometheus >/dev/null || missing+=(prometheus)
command -v openssl >/dev/null || missing+=(openssl)
command -v ip >/dev/null || missing+=(iproute2)
command -v unzip >/dev/null || missing+=(unzip)
command -v chromium >/dev/null || missing+=(chromium)
[ ${#missing[@]} = 0 ] || apt_install "${missing[@]}"

# Binaries built before the reflect2 fix below crash at random under load: rebuild them once.
FIX_MARKER="$KUBE_BIN/.reflect2-1.0.2"
if [ -x "$KUBE_BIN/kube-apiserver" ] && [ -x "$KUBE_BIN/kube-controller-manager" ] && [ -f "$FIX_MARKER" ]; then
  exit 0
fi

log "building kube-apiserver and kube-controller-manager 1.20.2 from Debian source (about 6-10 minutes, once)"
tools=()
command -v go >/dev/null || tools+=(golang-go)
command -v rsync >/dev/null || tools+=(rsync)
command -v make >/dev/null || tools+=(make)
command -v dpkg-source >/dev/null || tools+=(dpkg-dev)
[ ${#tools[@]} = 0 ] || apt_install "${tools[@]}"

if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src .*bookworm main' /etc/apt/sources.list; then
  need_root "a deb-src entry" "a deb-src line for bookworm main"
  log "adding a deb-src entry for bookworm main"
  cat > /etc/apt/sources.list.d/canopy-src.sources <<SRC
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  apt-get update -qq >&2
fi

WORK="$CACHE/build"
mkdir -p "$WORK"
SRC_DIR="$(find "$WORK" -maxdepth 1 -type d -name 'kubernetes-*' | head -n 1)"
if [ -z "$SRC_DIR" ]; then
  log "apt-get source kubernetes=$KUBE_SRC_VERSION"
  (cd "$WORK" && apt-get source -qq "kubernetes=$KUBE_SRC_VERSION" >&2) \
    || die "could not fetch the kubernetes source package $KUBE_SRC_VERSION (is a deb-src entry for bookworm configured?)"
  SRC_DIR="$(find "$WORK" -maxdepth 1 -type d -name 'kubernetes-*' | head -n 1)"
fi
[ -n "$SRC_DIR" ] || die "kubernetes source not found under $WORK"

# kube 1.20 vendors github.com/modern-go/reflect2 v1.0.1, whose map iteration is wrong under Go >= 1.18
# (Debian builds with Go 1.19): kube-apiserver dies with "fatal error: fault" in json-iterator's map
# encoder, typically while serving custom resources. reflect2 v1.0.2 fixes it and is API-compatible;
# Debian packages it, so swap it into the vendor tree.
REFLECT2_SYS=/usr/share/gocode/src/github.com/modern-go/reflect2
REFLECT2_VENDOR="$SRC_DIR/vendor/github.com/modern-go/reflect2"
if [ ! -f "$REFLECT2_VENDOR/go_above_118.go" ]; then
  [ -f "$REFLECT2_SYS/go_above_118.go" ] || apt_install golang-github-modern-go-reflect2-dev
  log "replacing vendored modern-go/reflect2 v1.0.1 with Debian's v1.0.2 (Go >= 1.18 fix)"
  rm -rf "$REFLECT2_VENDOR"
  mkdir -p "$REFLECT2_VENDOR"
  cp "$REFLECT2_SYS"/*.go "$REFLECT2_SYS"/*.s "$REFLECT2_VENDOR"/
fi

# The Makefile expects the tree at $GOPATH/src/k8s.io/kubernetes; a symlink is enough.
GOPATH_DIR="$WORK/gopath"
mkdir -p "$GOPATH_DIR/src/k8s.io"
ln -sfn "$SRC_DIR" "$GOPATH_DIR/src/k8s.io/kubernetes"
# A failed earlier run can leave empty generator binaries behind; they break the next run.
find "$SRC_DIR/_output" -type f -empty -delete 2>/dev/null || true

(
  cd "$GOPATH_DIR/src/k8s.io/kubernetes"
  export GOPATH="$GOPATH_DIR" GO111MODULE=off GOFLAGS=-mod=vendor CGO_ENABLED=0 GOCACHE="$WORK/gocache"
  make WHAT="cmd/kube-apiserver cmd/kube-controller-manager" >&2
) || {
  find "$SRC_DIR/_output" -type f -empty -delete 2>/dev/null || true
  die "building kube from source failed (see the output above)"
}

mkdir -p "$KUBE_BIN"
for b in kube-apiserver kube-controller-manager; do
  f="$(find "$SRC_DIR/_output" -type f -name "$b" -perm -u+x | head -n 1)"
  [ -n "$f" ] || die "build finished but $b was not found under $SRC_DIR/_output"
  cp "$f" "$KUBE_BIN/$b.tmp" && mv "$KUBE_BIN/$b.tmp" "$KUBE_BIN/$b"
done
"$KUBE_BIN/kube-apiserver" --version >&2
touch "$FIX_MARKER"
log "cached in $KUBE_BIN"

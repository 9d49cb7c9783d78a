#!/usr/bin/env bash
# Builds pgvector from Debian's (trixie) source package for the local PostgreSQL
# major version, without touching the system's apt sources. Idempotent.
set -euo pipefail

PG_MAJOR="${PG_MAJOR:-$(ls /etc/postgresql 2>/dev/null | sort -n | tail -n 1)}"
if [ -z "$PG_MAJOR" ]; then echo "install-pgvector: no PostgreSQL cluster found in /etc/postgresql" >&2; exit 1; fi
if [ -f "/usr/share/postgresql/$PG_MAJOR/extension/vector.control" ]; then
  echo "install-pgvector: pgvector already installed for PostgreSQL $PG_MAJOR"; exit 0
fi

SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/archives/partial"

# Reuse the URIs of the machine's own Debian sources, but as trixie deb-src.
uris="$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '/^URIs:/{print $2}' | grep -v security | sort -u)"
[ -n "$uris" ] || uris="$(awk '/^deb /{print $2}' /etc/apt/sources.list 2>/dev/null | grep -v security | sort -u)"
[ -n "$uris" ] || uris="http://deb.debian.org/debian"
{
  echo "Types: deb-src"
  echo "URIs: $(echo $uris)"
  echo "Suites: trixie"
  echo "Components: main"
  echo "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
} > "$work/trixie-src.sources"
mkdir -p "$work/sources.list.d"; cp "$work/trixie-src.sources" "$work/sources.list.d/"

APT_OPTS=(-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$work/sources.list.d"
          -o "Dir::State::Lists=$work/lists" -o "Dir::Cache::Archives=$work/archives")
$SUDO apt-get "${APT_OPTS[@]}" update -qq
(cd "$work" && apt-get "${APT_OPTS[@]}" source --download-only pgvector)

# Build dependencies come from the machine's own sources.
if ! dpkg -s "postgresql-server-dev-$PG_MAJOR" >/dev/null 2>&1; then
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-server-dev-$PG_MAJOR" make gcc dpkg-dev >/dev/null
fi

(cd "$work" && dpkg-source -x --no-check pgvector_*.dsc src >/dev/null)
make -s -C "$work/src" PG_CONFIG="/usr/lib/postgresql/$PG_MAJOR/bin/pg_config" OPTFLAGS="" >/dev/null
$SUDO make -s -C "$work/src" PG_CONFIG="/usr/lib/postgresql/$PG_MAJOR/bin/pg_config" install >/dev/null
echo "install-pgvector: pgvector installed for PostgreSQL $PG_MAJOR"

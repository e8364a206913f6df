#!/usr/bin/env bash
# Ceph RADOS Gateway (Debian bookworm packages, Pacific 16.2.x) on 127.0.0.1: a throw-away single-node
# cluster (one mon, one memstore OSD, no mgr) and one radosgw, everything inside the state dir.
#   ceph-rgw.sh install        apt-get install the Ceph packages when missing (apt-get update only if needed)
#   ceph-rgw.sh up [PORT]      install if missing, build the cluster, start radosgw on 127.0.0.1:PORT
#                              (free port if omitted), wait until S3 answers; a no-op while it runs
#   ceph-rgw.sh env            print `export` lines for eval: AWS_* (the SDK's names), S3_* and the two testing KMS key ids
#   ceph-rgw.sh down           stop only the pids that `up` started (rgw, osd, mon), remove the state dir
#   ceph-rgw.sh start|stop     the same as up|down
# Memstore keeps nothing across a restart, so `up` always builds a fresh cluster. See docs/servers.md.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
source "$ROOT/scripts/offline-env.sh"
source "$ROOT/scripts/servers/common.sh"
STATE="${BUCKETKIT_STATE_DIR:-$ROOT/.servers}/ceph-rgw"
PACKAGES=(ceph-mon ceph-osd radosgw ceph-common)

S3_USER="bucketkit"
ACCESS_KEY="BUCKETKITCEPHTEST001"
SECRET_KEY="bucketkit-ceph-test-secret-key-000000001"
# Testing KMS backend (rgw_crypt_s3_kms_backend = testing): key id = base64 of 32 fixed bytes.
# For tests only: the key sits in the config file in clear.
KMS_KEY_ID="bucketkit-test-key-1"
KMS_KEY_B64="YnVja2V0a2l0LXRlc3Qta2V5LTEtMzItYnl0ZXMtISE="  # "bucketkit-test-key-1-32-bytes-!!"
KMS_KEY2_ID="bucketkit-test-key-2"
KMS_KEY2_B64="YnVja2V0a2l0LXRlc3Qta2V5LTItMzItYnl0ZXMtISE="  # "bucketkit-test-key-2-32-bytes-!!"

have_packages() {
  command -v ceph-mon >/dev/null 2>&1 && command -v ceph-osd >/dev/null 2>&1 &&
    command -v radosgw >/dev/null 2>&1 && command -v radosgw-admin >/dev/null 2>&1 &&
    command -v ceph >/dev/null 2>&1 && command -v ceph-authtool >/dev/null 2>&1 &&
    command -v monmaptool >/dev/null 2>&1
}

install() {
  have_packages && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "bucketkit: the Ceph RGW server needs Debian/Ubuntu packages: ${PACKAGES[*]}" >&2
    exit 3
  fi
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  # Refresh the package lists only when apt does not know the packages yet.
  if ! apt-cache show radosgw >/dev/null 2>&1 || ! apt-get install -s --no-install-recommends "${PACKAGES[@]}" >/dev/null 2>&1; then
    $sudo apt-get update >&2
  fi
  $sudo apt-get install -y --no-install-recommends "${PACKAGES[@]}" >&2
  have_packages || { echo "bucketkit: Ceph packages installed but a tool is still missing" >&2; exit 1; }
}

# A killed daemon can stay a zombie until its reaper (init) collects it; that counts as stopped.
alive() { [ -r "/proc/$1/stat" ] && ! awk '{ exit ($3 == "Z" ? 0 : 1) }' "/proc/$1/stat" 2>/dev/null; }

port_free() { python3 -c 'import socket,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null; }

# A pid is ours while it is alive and still one of our daemons (a pid of a long-dead cluster may be reused).
ours() { alive "$1" && case "$(cat "/proc/$1/comm" 2>/dev/null)" in ceph-mon|ceph-osd|radosgw) true ;; *) false ;; esac; }
# All pids started so far are alive.
all_alive() {
  [ -s "$STATE/pids" ] || return 1
  local pid
  for pid in $(cat "$STATE/pids"); do ours "$pid" || return 1; done
}
# The whole cluster (mon, osd, rgw) is up.
running() { all_alive && [ "$(wc -l <"$STATE/pids")" -eq 3 ]; }

# Every Ceph tool below reads this config and nothing under /etc/ceph or /var/lib/ceph.
cephc() { CEPH_CONF="$STATE/ceph.conf" ceph --connect-timeout 10 "$@"; }
rgwadm() { CEPH_CONF="$STATE/ceph.conf" radosgw-admin "$@"; }

fail() {
  echo "ceph-rgw: $1; last log lines:" >&2
  local f
  for f in "$STATE"/log/*.log; do [ -f "$f" ] && { echo "== $f" >&2; tail -n 20 "$f" >&2; }; done
  down
  exit 1
}

write_conf() {
  local fsid="$1" mon_port="$2" rgw_port="$3"
  cat >"$STATE/ceph.conf" <<EOF
[global]
fsid = $fsid
mon_host = v2:127.0.0.1:$mon_port
mon_initial_members = a
public_addr = 127.0.0.1
cluster_addr = 127.0.0.1
ms_bind_msgr1 = false
ms_bind_ipv6 = false
keyring = $STATE/keyring
run_dir = $STATE/run
pid_file = \$run_dir/\$cluster-\$name.pid
admin_socket = \$run_dir/\$cluster-\$name.asok
log_file = $STATE/log/\$cluster-\$name.log
mon_cluster_log_file = default=$STATE/log/\$cluster.\$channel.log cluster=$STATE/log/\$cluster.log
crash_dir = $STATE/crash
mon_data = $STATE/mon/\$cluster-\$id
osd_data = $STATE/osd/\$cluster-\$id
rgw_data = $STATE/rgw/\$cluster-\$id
osd_pool_default_size = 1
osd_pool_default_min_size = 1
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
osd_pool_default_pg_autoscale_mode = off
osd_crush_chooseleaf_type = 0
mon_allow_pool_size_one = true
mon_warn_on_pool_no_redundancy = false

[client.admin]
# CLI calls may overlap; they need no admin socket.
admin_socket =

[mon]
paxos_propose_interval = 0.05

[osd]
osd_objectstore = memstore
memstore_device_bytes = 8589934592

[client.rgw.a]
rgw_frontends = beast endpoint=127.0.0.1:$rgw_port
# Test-only settings (docs/servers.md): SSE-C and SSE-KMS over plain HTTP, a KMS whose keys sit in this file,
# and a lifecycle "day" of 10 seconds.
rgw_crypt_require_ssl = false
rgw_crypt_s3_kms_backend = testing
rgw_crypt_s3_kms_encryption_keys = $KMS_KEY_ID=$KMS_KEY_B64 $KMS_KEY2_ID=$KMS_KEY2_B64
rgw_lc_debug_interval = 10
EOF
}

up() {
  install
  if running; then return 0; fi
  # A half-started or crashed cluster is useless (memstore): clear it and build a new one.
  [ -d "$STATE" ] && down
  local rgw_port="${1:-$(free_port)}"
  port_free "$rgw_port" || { echo "ceph-rgw: 127.0.0.1:$rgw_port is already in use" >&2; exit 1; }
  local mon_port; mon_port="$(free_port)"
  while [ "$mon_port" = "$rgw_port" ]; do mon_port="$(free_port)"; done
  mkdir -p "$STATE"/{run,log,crash,mon/ceph-a,osd/ceph-0,rgw/ceph-rgw.a}
  : >"$STATE/pids"
  echo "$rgw_port" >"$STATE/port"
  echo "$mon_port" >"$STATE/mon_port"
  local fsid; fsid="$(cat /proc/sys/kernel/random/uuid)"
  write_conf "$fsid" "$mon_port" "$rgw_port"
  export CEPH_CONF="$STATE/ceph.conf"

  # Keys: mon., client.admin, osd.0, client.rgw.a, all in one keyring that ceph-mon --mkfs imports.
  local k="$STATE/keyring"
  ceph-authtool --create-keyring "$k" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  ceph-authtool "$k" --gen-key -n client.admin \
    --cap mon 'allow *' --cap osd 'allow *' --cap mds 'allow *' --cap mgr 'allow *' >/dev/null
  ceph-authtool "$k" --gen-key -n osd.0 \
    --cap mon 'allow profile osd' --cap mgr 'allow profile osd' --cap osd 'allow *' >/dev/null
  ceph-authtool "$k" --gen-key -n client.rgw.a \
    --cap mon 'allow rw' --cap osd 'allow rwx' --cap mgr 'allow rw' >/dev/null

  # Monitor.
  monmaptool --create --enable-all-features --fsid "$fsid" --addv a "[v2:127.0.0.1:$mon_port]" \
    "$STATE/monmap" >/dev/null
  ceph-mon --mkfs -i a --monmap "$STATE/monmap" --keyring "$k" >/dev/null 2>&1 || fail "ceph-mon --mkfs failed"
  ceph-mon -f -i a >>"$STATE/log/mon.a.stdout" 2>&1 &
  echo $! >>"$STATE/pids"
  cephc -s >/dev/null 2>&1 || fail "the monitor did not answer"

  # OSD (memstore).
  local osd_uuid; osd_uuid="$(cat /proc/sys/kernel/random/uuid)"
  local osd_id; osd_id="$(cephc osd new "$osd_uuid" 0 2>/dev/null)" || fail "ceph osd new failed"
  [ "$osd_id" = 0 ] || fail "ceph osd new returned id '$osd_id', expected 0"
  ceph-osd --mkfs -i 0 --osd-uuid "$osd_uuid" >/dev/null 2>&1 || fail "ceph-osd --mkfs failed"
  ceph-osd -f -i 0 >>"$STATE/log/osd.0.stdout" 2>&1 &
  echo $! >>"$STATE/pids"
  local i
  for i in $(seq 1 300); do
    cephc osd stat -f json 2>/dev/null | grep -q '"num_up_osds":1' && break
    all_alive || fail "a daemon exited"
    [ "$i" = 300 ] && fail "the OSD did not come up within 30 s"
    sleep 0.1
  done

  # S3 user and the extra storage classes (zonegroup + zone placement, each with its own data pool).
  rgwadm user create --uid "$S3_USER" --display-name "bucketkit tests" \
    --access-key "$ACCESS_KEY" --secret "$SECRET_KEY" >/dev/null 2>&1 || fail "radosgw-admin user create failed"
  local sc pool
  for sc in STANDARD_IA GLACIER; do
    pool="default.rgw.$(echo "$sc" | tr 'A-Z_' 'a-z-').data"
    rgwadm zonegroup placement add --rgw-zonegroup default --placement-id default-placement \
      --storage-class "$sc" >/dev/null 2>&1 || fail "zonegroup placement add $sc failed"
    rgwadm zone placement add --rgw-zone default --placement-id default-placement \
      --storage-class "$sc" --data-pool "$pool" >/dev/null 2>&1 || fail "zone placement add $sc failed"
  done

  # Gateway.
  radosgw -f -n client.rgw.a >>"$STATE/log/rgw.a.stdout" 2>&1 &
  echo $! >>"$STATE/pids"
  for i in $(seq 1 600); do
    # An anonymous GET / on RGW lists the (no) buckets of the anonymous user.
    if curl -s "http://127.0.0.1:$rgw_port/" 2>/dev/null | grep -q ListAllMyBucketsResult; then return 0; fi
    all_alive || fail "a daemon exited"
    sleep 0.1
  done
  fail "radosgw did not answer on 127.0.0.1:$rgw_port within 60 s"
}

env_() {
  [ -f "$STATE/port" ] || { echo "ceph-rgw is not up (run: $0 up)" >&2; exit 1; }
  print_env ceph "http://127.0.0.1:$(cat "$STATE/port")" "$ACCESS_KEY" "$SECRET_KEY" "$KMS_KEY_ID" "$KMS_KEY2_ID"
}

# SIGTERM, then SIGKILL after a grace period. Memstore keeps nothing, so a hard stop loses nothing.
stop_pids() {
  local grace_tenths="$1" pid alive; shift
  [ "$#" -gt 0 ] || return 0
  kill "$@" 2>/dev/null || true
  for _ in $(seq 1 "$grace_tenths"); do
    alive=0
    for pid in "$@"; do alive "$pid" && alive=1; done
    [ "$alive" = 0 ] && return 0
    sleep 0.1
  done
  for pid in "$@"; do alive "$pid" && kill -9 "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 20); do
    alive=0
    for pid in "$@"; do alive "$pid" && alive=1; done
    [ "$alive" = 0 ] && return 0
    sleep 0.1
  done
}

down() {
  if [ -f "$STATE/pids" ]; then
    local pids=() pid
    for pid in $(cat "$STATE/pids"); do ours "$pid" && pids+=("$pid"); done
    # The cluster is memstore-only and cannot be restarted, so there is nothing to shut down cleanly:
    # SIGTERM all three (rgw, osd, mon) together and SIGKILL what is left after 1 s. A graceful stop
    # would take ~10 s: radosgw's lifecycle thread sleeps in 5 s steps, and the OSD waits for the mon.
    stop_pids 10 "${pids[@]}"
  fi
  rm -rf "$STATE"
}

version() { install; echo "Ceph RGW $(radosgw --version 2>/dev/null | head -1 | sed -E "s/ \([0-9a-f]+\)//") (Debian $(dpkg-query -W -f='${Version}' radosgw 2>/dev/null), memstore)"; }

dispatch "$@"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The freebox-cqm demo stack (README quick start), in the foreground:
#   - two simulated boxes (freebox-sim): an Ultra over HTTPS verified with a
#     demo CA made now, and a Revolution (xDSL) over plain HTTP, each with an
#     app token granted beforehand;
#   - the real collectd with our freebox.so and write_cqm.so, the stock csv
#     plugin (raw values), unixsock (collectdctl) and, when it can load, the
#     stock ping plugin towards 127.0.0.1;
#   - a short status every ~20 s: the CQM graphs (cqm-store ls / dump) and the
#     csv files collectd wrote.
# Ctrl-C (or --duration) stops everything it started, collectd first so that
# write_cqm stores its open samples. packaging/demo/README.md explains it all.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: sudo bash packaging/demo/run-demo.sh [options]

  --workdir DIR        where the demo keeps everything (default /var/tmp/freebox-cqm-demo)
  --duration SECONDS   stop cleanly after that long (default: run until Ctrl-C)
  --interval SECONDS   collectd's Interval, i.e. how often the boxes are polled (default 10)
  --status-every SECS  seconds between two status reports (default 20)
  --build-dir DIR      meson build directory (default: build/ if configured, else build-demo/)
  --no-build           install nothing, build nothing: use already-built programs, from
                       FBCQM_PLUGIN_FREEBOX, FBCQM_PLUGIN_WRITE_CQM, FBCQM_FREEBOX_SIM and
                       FBCQM_CQM_STORE when set, else from the build directory
  --no-ping            do not load collectd's ping plugin
  -h, --help           this text

Exit status: 0 after a clean stop (Ctrl-C, SIGTERM or --duration), 1 when something
failed to start or died, 2 for a bad command line.
EOF
}

die_usage() {
  echo "run-demo: $*" >&2
  echo "run-demo: see --help" >&2
  exit 2
}

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

workdir=/var/tmp/freebox-cqm-demo
duration=0
interval=10
status_every=20
build_dir=""
no_build=0
want_ping=1

positive_number() { [[ $1 =~ ^[0-9]+([.][0-9]+)?$ ]] && [[ ! $1 =~ ^0+([.]0+)?$ ]]; }
positive_integer() { [[ $1 =~ ^[0-9]+$ ]] && [ "$1" -gt 0 ]; }

while [ $# -gt 0 ]; do
  option=$1
  shift
  case $option in
  --workdir | --duration | --interval | --status-every | --build-dir)
    [ $# -ge 1 ] && [ -n "$1" ] || die_usage "option $option needs a value"
    value=$1
    shift
    ;;
  --workdir=* | --duration=* | --interval=* | --status-every=* | --build-dir=*)
    value=${option#*=}
    option=${option%%=*}
    [ -n "$value" ] || die_usage "option $option needs a value"
    ;;
  esac
  case $option in
  --workdir) workdir=$value ;;
  --duration) positive_integer "$value" || die_usage "--duration needs a whole number of seconds above 0"; duration=$value ;;
  --interval) positive_number "$value" || die_usage "--interval needs a number of seconds above 0"; interval=$value ;;
  --status-every) positive_integer "$value" || die_usage "--status-every needs a whole number of seconds above 0"; status_every=$value ;;
  --build-dir) build_dir=$value ;;
  --no-build) no_build=1 ;;
  --no-ping) want_ping=0 ;;
  -h | --help) usage; exit 0 ;;
  *) die_usage "unknown argument '${option:0:64}'" ;;
  esac
done

case $workdir in
"" | / | /usr | /usr/* | /etc | /etc/* | /bin | /sbin | /lib | /lib/* | /proc/* | /sys/* | /dev/*)
  die_usage "refusing --workdir '$workdir': use a directory of its own" ;;
esac
mkdir -p "$workdir"
workdir=$(cd "$workdir" && pwd)
exec 9>"$workdir/demo.lock" # held until exit; the children are started without it
if ! flock -n 9; then
  echo "run-demo: another demo is running with --workdir $workdir" >&2
  exit 1
fi
if [ -z "$build_dir" ]; then
  if [ -f "$repo/build/build.ninja" ]; then build_dir=$repo/build; else build_dir=$repo/build-demo; fi
fi

say() { printf '%s\n' "$*"; }
step() { printf '\n==> %s\n' "$*"; }
fail() {
  echo "run-demo: $*" >&2
  exit 1
}

# ---- dependencies and build --------------------------------------------------

stock_plugin_dir=${FBCQM_STOCK_PLUGIN_DIR:-/usr/lib/collectd}
collectd_bin=${FBCQM_COLLECTD:-/usr/sbin/collectd}

install_and_build() {
  step "installing missing Debian packages (tests/install-deps.sh)"
  bash "$repo/tests/install-deps.sh"
  # collectd's ping plugin needs liboping, which collectd-core only suggests. Optional.
  if [ $want_ping = 1 ] && [ "$(id -u)" = 0 ] &&
    ! dpkg-query -W -f='${Status}' liboping0 2>/dev/null | grep -q 'install ok installed'; then
    say "installing liboping0 for collectd's ping plugin (optional)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends liboping0 >/dev/null 2>&1 ||
      say "  could not install liboping0: the demo runs without the ping plugin"
  fi

  step "building with meson in $build_dir"
  if [ ! -f "$build_dir/build.ninja" ]; then
    meson setup "$build_dir" "$repo" -Dtests=false >/dev/null
  fi
  local targets=(plugins/freebox/freebox plugins/write_cqm/write_cqm plugins/freebox/sim/freebox-sim)
  if [ -f "$repo/cqm-exporter/cqm-store/meson.build" ]; then
    targets+=(cqm-exporter/cqm-store/cqm-store)
  fi
  meson compile -C "$build_dir" "${targets[@]}"
}

# The build's b_sanitize value ("none" when unknown).
build_sanitize() {
  meson introspect --buildoptions "$build_dir" 2>/dev/null |
    python3 -c 'import json,sys; print(next((o["value"] for o in json.load(sys.stdin) if o["name"] == "b_sanitize"), "none"))' 2>/dev/null ||
    echo none
}

if [ $no_build = 1 ]; then
  freebox_so=${FBCQM_PLUGIN_FREEBOX:-$build_dir/plugins/freebox/freebox.so}
  write_cqm_so=${FBCQM_PLUGIN_WRITE_CQM:-$build_dir/plugins/write_cqm/write_cqm.so}
  freebox_sim=${FBCQM_FREEBOX_SIM:-$build_dir/plugins/freebox/sim/freebox-sim}
  cqm_store=${FBCQM_CQM_STORE:-$build_dir/cqm-exporter/cqm-store/cqm-store}
  sanitize=${FBCQM_SANITIZE:-}
  [ -n "$sanitize" ] || sanitize=$(build_sanitize)
else
  install_and_build
  freebox_so=$build_dir/plugins/freebox/freebox.so
  write_cqm_so=$build_dir/plugins/write_cqm/write_cqm.so
  freebox_sim=$build_dir/plugins/freebox/sim/freebox-sim
  cqm_store=$build_dir/cqm-exporter/cqm-store/cqm-store
  sanitize=$(build_sanitize)
fi

for needed in "$freebox_so" "$write_cqm_so" "$freebox_sim" "$collectd_bin" "$stock_plugin_dir/csv.so"; do
  [ -e "$needed" ] || fail "$needed is missing (build first, or run without --no-build)"
done
for tool in openssl python3; do
  command -v $tool >/dev/null || fail "$tool is missing (run without --no-build to install it)"
done
have_cqm_store=0
if [ -x "$cqm_store" ]; then have_cqm_store=1; fi

# ---- the work directory --------------------------------------------------------


pki=$workdir/pki
sim_dir=$workdir/sim
cred_dir=$workdir/credentials
plugin_dir=$workdir/plugins
csv_dir=$workdir/csv
store_dir=$workdir/cqm-store
conf=$workdir/collectd.conf
log=$workdir/collectd.log
collectd_out=$workdir/collectd.out
sock=$workdir/collectd.sock
pids_file=$workdir/demo.pids
# Files of an earlier run that would mislead (the store and csv files are kept).
rm -rf "$pki" "$sim_dir" "$cred_dir" "$plugin_dir"
rm -f "$conf" "$log" "$collectd_out" "$sock" "$pids_file" "$workdir/collectd.pid"
mkdir -p "$sim_dir" "$plugin_dir" "$csv_dir"
mkdir -m 700 "$pki" "$cred_dir" # private keys and app tokens are nobody else's business

# ---- processes: start, watch, stop -----------------------------------------------

declare -A pid_of=()
started=() # names in start order
stopping=0
stop_reason=""

record_pid() {
  pid_of[$1]=$2
  started+=("$1")
  echo "$1 $2" >>"$pids_file"
}

# Running and not a zombie (an exited child answers kill -0 until `wait` reaps it).
alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

# SIGTERM, then wait up to $2 seconds, then SIGKILL. Returns the exit status.
stop_process() {
  local name=$1 limit=$2 pid=${pid_of[$1]} status=0 waited=0
  if alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    while alive "$pid" && [ "$waited" -lt $((limit * 10)) ]; do
      sleep 0.1
      waited=$((waited + 1))
    done
    if alive "$pid"; then
      say "  $name (pid $pid) did not stop within ${limit}s: killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || status=$?
  return $status
}

cleaned=0
cleanup() {
  [ $cleaned = 0 ] || return 0
  cleaned=1
  trap '' INT TERM
  [ ${#started[@]} -gt 0 ] || return 0
  step "stopping${stop_reason:+ ($stop_reason)}"
  local i name status
  # Reverse start order: collectd first (write_cqm stores its open samples), then the boxes.
  for ((i = ${#started[@]} - 1; i >= 0; i--)); do
    name=${started[$i]}
    status=0
    stop_process "$name" 20 || status=$?
    if [ $status = 0 ]; then
      say "  $name (pid ${pid_of[$name]}) stopped"
    else
      say "  $name (pid ${pid_of[$name]}) ended with status $status"
      exit_status=1
    fi
  done
}

exit_status=0
on_exit() {
  local code=$?
  [ $code = 0 ] || exit_status=$code
  cleanup
  exit $exit_status
}
trap on_exit EXIT
trap 'stopping=1; stop_reason="SIGINT"' INT
trap 'stopping=1; stop_reason="SIGTERM"' TERM

# Children run in their own session: a Ctrl-C reaches only this script, which
# then stops them in order (collectd before the boxes it polls).
start_process() {
  local name=$1 out=$2
  shift 2
  setsid "$@" >"$out" 2>&1 9>&- </dev/null &
  record_pid "$name" $!
}

# Waits until $2 succeeds (a shell command) while process $1 lives; $3 seconds at most.
wait_for() {
  local name=$1 condition=$2 limit=$3 what=$4 log_file=$5 out_file=${6:-$5} tries=0
  until eval "$condition"; do
    alive "${pid_of[$name]}" || fail "$name exited while waiting for $what; its output ends with:
$(tail -n 15 "$log_file" 2>/dev/null)$([ "$out_file" = "$log_file" ] || tail -n 15 "$out_file" 2>/dev/null)"
    [ $stopping = 0 ] || exit 0
    [ $tries -lt $((limit * 10)) ] || fail "$name: no $what within ${limit}s (see $log_file)"
    sleep 0.1
    tries=$((tries + 1))
  done
}

# ---- the simulated boxes ----------------------------------------------------------

step "demo CA and server certificate (tests/fixtures/pki/make-test-pki.sh)"
sh "$repo/tests/fixtures/pki/make-test-pki.sh" "$pki"
rm -f "$pki/other-ca.pem" "$pki/other-ca-key.pem"
say "  $pki/ca.pem signs $pki/server.pem (localhost, 127.0.0.1, ::1)"

app_id=fr.freebox-cqm.demo
json_port() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]] or "")' "$1" "$2"; }

# start_box NAME MODEL SEED tls|plain: sets box_url[NAME], token written to its credentials file.
declare -A box_url=() box_http=() box_model=()
start_box() {
  local name=$1 model=$2 seed=$3 mode=$4
  local token ports=$sim_dir/$name.ports.json
  token=$(openssl rand -hex 32)
  local args=(--model "$model" --seed "$seed" --listen 127.0.0.1:0 --port-file "$ports"
    --app-id "$app_id" --app-token "$token")
  if [ "$mode" = tls ]; then
    args+=(--tls-listen 127.0.0.1:0 --tls-cert "$pki/server.pem" --tls-key "$pki/server-key.pem")
  fi
  start_process "freebox-sim-$name" "$sim_dir/$name.log" "$freebox_sim" "${args[@]}"
  wait_for "freebox-sim-$name" "[ -s '$ports' ]" 10 "its port file" "$sim_dir/$name.log"
  box_http[$name]=http://127.0.0.1:$(json_port "$ports" http)
  if [ "$mode" = tls ]; then
    box_url[$name]=https://localhost:$(json_port "$ports" https)
  else
    box_url[$name]=${box_http[$name]}
  fi
  box_model[$name]=$model
  # What freebox-register would have written after a key press on the box (mode 0600).
  python3 - "$cred_dir/$name.json" "$app_id" "$token" "${box_url[$name]}" <<'EOF'
import json, os, sys
path, app_id, token, url = sys.argv[1:]
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
with os.fdopen(fd, "w") as f:
    json.dump({"app_id": app_id, "app_token": token, "base_url": url}, f, indent=2)
    f.write("\n")
EOF
}

step "starting the simulated boxes (freebox-sim)"
start_box ultra ultra 1 tls
start_box revolution revolution 2 plain
for name in ultra revolution; do
  say "  $name: ${box_model[$name]} at ${box_url[$name]} (pid ${pid_of[freebox-sim-$name]})"
done

# ---- collectd -------------------------------------------------------------------------

ping_state="disabled (--no-ping)"
ping_ok=0
if [ $want_ping = 1 ]; then
  if [ ! -e "$stock_plugin_dir/ping.so" ]; then
    ping_state="not loaded: $stock_plugin_dir/ping.so does not exist"
  elif ldd "$stock_plugin_dir/ping.so" 2>/dev/null | grep -q 'not found'; then
    ping_state="not loaded: it needs liboping0 (apt-get install liboping0)"
  elif [ "$(id -u)" != 0 ]; then
    ping_state="not loaded: it needs root for its raw ICMP socket"
  else
    ping_ok=1
    ping_state="127.0.0.1, one echo per second"
  fi
fi

cp "$freebox_so" "$write_cqm_so" "$plugin_dir/" # copies: collectd refuses symlinks in PluginDir
stock_plugins=(logfile csv unixsock)
[ $ping_ok = 0 ] || stock_plugins+=(ping)
for plugin in "${stock_plugins[@]}"; do
  cp "$stock_plugin_dir/$plugin.so" "$plugin_dir/"
done

cat >"$conf" <<EOF
# Generated by packaging/demo/run-demo.sh; rewritten at every start.
Hostname "demo"
FQDNLookup false
BaseDir "$workdir"
PIDFile "$workdir/collectd.pid"
PluginDir "$plugin_dir"
TypesDB "/usr/share/collectd/types.db"
Interval $interval
ReadThreads 4

LoadPlugin logfile
<Plugin logfile>
  LogLevel info
  File "$log"
  Timestamp true
  PrintSeverity true
</Plugin>

LoadPlugin unixsock
<Plugin unixsock>
  SocketFile "$sock"
  SocketGroup "$(id -gn)"
  SocketPerms "0660"
</Plugin>

# Raw values, one file per value and day: csv/demo/<plugin>-<instance>/<type>-<instance>-DATE.
LoadPlugin csv
<Plugin csv>
  DataDir "$csv_dir"
  StoreRates true
</Plugin>

LoadPlugin freebox
<Plugin freebox>
  # Freebox Ultra over HTTPS, verified with the demo CA instead of the Freebox roots.
  <Box "ultra">
    CredentialsFile "$cred_dir/ultra.json"
    URL "${box_url[ultra]}"
    CACertificate "$pki/ca.pem"
  </Box>
  # Freebox Revolution on an ADSL line, plain HTTP as on a LAN.
  <Box "revolution">
    CredentialsFile "$cred_dir/revolution.json"
    URL "${box_url[revolution]}"
  </Box>
</Plugin>

# CQM graphs: one per box (automatic freebox graphs: WAN rx/tx and off-line time),
# and one per ping host when the ping plugin runs.
LoadPlugin write_cqm
<Plugin write_cqm>
  StoreDir "$store_dir"
  Retention "7d"
  FreeboxGraphs true
  PingGraphs true
</Plugin>
EOF
if [ $ping_ok = 1 ]; then
  cat >>"$conf" <<EOF

LoadPlugin ping
<Plugin ping>
  Host "127.0.0.1"
  Interval 1.0
</Plugin>
EOF
fi

# An address-sanitized build of our plugins only loads into a collectd that preloads
# libasan (and libstdc++ right after it), as the test harness does.
collectd_env=()
if [[ $sanitize == *address* ]]; then
  compiler=${CXX:-c++}
  collectd_env+=("LD_PRELOAD=$($compiler -print-file-name=libasan.so):$($compiler -print-file-name=libstdc++.so.6)"
    "ASAN_OPTIONS=detect_leaks=0:abort_on_error=1")
fi
if [[ $sanitize == *undefined* ]]; then
  collectd_env+=("UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")
fi

step "starting collectd ($collectd_bin)"
start_process collectd "$collectd_out" env "${collectd_env[@]}" "$collectd_bin" -f -C "$conf"
wait_for collectd "grep -q 'Initialization complete' '$log' 2>/dev/null" 30 "'Initialization complete' in $log" "$log" "$collectd_out"
say "  collectd (pid ${pid_of[collectd]}) polls both boxes every ${interval}s"
say "  ping plugin: $ping_state"

# ---- what is where --------------------------------------------------------------------

store_cmd="cqm-store --store $store_dir"
[ $have_cqm_store = 1 ] && store_cmd="$cqm_store --store $store_dir"
cat <<EOF

==> the demo is running$([ "$duration" -gt 0 ] && echo " for ${duration}s" || echo "; press Ctrl-C to stop it")
  work directory   $workdir
  collectd         config $conf
                   log    $log
                   socket $sock  (collectdctl -s $sock listval)
  raw values       $csv_dir/demo/freebox-ultra/, .../freebox-revolution/  (csv plugin)
  CQM store        $store_dir  (graphs "ultra", "revolution"$([ $ping_ok = 1 ] && echo ', "127.0.0.1"'))
                   $store_cmd ls
                   $store_cmd dump ultra
  boxes            ultra      ${box_url[ultra]}  (demo CA: $pki/ca.pem)
                   revolution ${box_url[revolution]}
                   curl ${box_http[ultra]}/api_version
                   curl ${box_http[ultra]}/__sim/snapshot     (what the box serves now)
                   curl -X POST -d '{"state":"down"}' ${box_http[revolution]}/__sim/wan   (cut its line; "up" restores)
  credentials      $cred_dir/{ultra,revolution}.json  (mode 0600)
EOF
if [ $have_cqm_store = 0 ]; then
  say "  (cqm-store is not built in this tree: the status lists the store's graph files instead)"
fi

# ---- status loop ---------------------------------------------------------------------

count_files() { find "$1" -type f 2>/dev/null | wc -l; }

print_status() {
  local title=$1
  printf '\n--- %s, %s ---\n' "$title" "$(date '+%H:%M:%S')"
  local total ultra revolution
  total=$(count_files "$csv_dir")
  ultra=$(count_files "$csv_dir/demo/freebox-ultra")
  revolution=$(count_files "$csv_dir/demo/freebox-revolution")
  say "csv files: $total (freebox-ultra $ultra, freebox-revolution $revolution) under $csv_dir/demo"
  local file
  for file in "$csv_dir"/demo/freebox-ultra/gauge-rate_down-* "$csv_dir"/demo/freebox-revolution/snr-xdsl_down-*; do
    [ -f "$file" ] || continue
    say "  ${file#"$csv_dir/"}: $(tail -n 1 "$file")"
  done
  local errors
  errors=$(grep -c '\[error\]' "$log" 2>/dev/null || true)
  if [ "${errors:-0}" != 0 ]; then
    say "collectd logged $errors error(s); the last: $(grep '\[error\]' "$log" | tail -n 1)"
  fi
  if [ $have_cqm_store = 1 ]; then
    say "CQM store ($store_cmd ls):"
    local listing names name
    if listing=$("$cqm_store" --store "$store_dir" ls 2>&1); then
      printf '%s\n' "$listing" | sed 's/^/  /'
      names=$(printf '%s\n' "$listing" | awk 'NR > 1 { print $1 }')
      [ -n "$names" ] || say "  (no graph yet)"
      for name in $names; do
        say "  last samples of $name (dump $name | tail -n 3):"
        "$cqm_store" --store "$store_dir" dump "$name" 2>&1 | tail -n 3 | sed 's/^/    /'
      done
    else
      printf '%s\n' "$listing" | sed 's/^/  /'
    fi
  else
    say "CQM store graph files: $(cd "$store_dir/graphs" 2>/dev/null && ls | tr '\n' ' ')"
  fi
  if [ "$title" != "final state" ]; then
    local now next
    now=$(date +%s)
    next=$(((now / 100 + 1) * 100))
    say "(a CQM sample covers 100 s; the current one is stored after $(date -d "@$((next + 6))" '+%H:%M:%S'), or at shutdown)"
  fi
}

started_at=$(date +%s)
next_status=$((started_at + status_every))
while [ $stopping = 0 ]; do
  now=$(date +%s)
  if [ "$duration" -gt 0 ] && [ $((now - started_at)) -ge "$duration" ]; then
    stop_reason="--duration $duration"
    break
  fi
  for name in "${started[@]}"; do
    if ! alive "${pid_of[$name]}"; then
      stop_reason="$name died"
      echo "run-demo: $name (pid ${pid_of[$name]}) died unexpectedly; see $workdir" >&2
      [ "$name" != collectd ] || tail -n 20 "$log" "$collectd_out" >&2 || true
      exit_status=1
      break 2
    fi
  done
  if [ "$now" -ge $next_status ]; then
    print_status "status after $((now - started_at))s"
    next_status=$((now + status_every))
  fi
  # sleep in the background: a signal interrupts `wait` at once, a foreground sleep would delay it.
  sleep 1 &
  sleeper=$!
  wait $sleeper 2>/dev/null || true
  kill $sleeper 2>/dev/null || true
  sleeper=""
done

cleanup
print_status "final state"
say ""
say "Everything this demo started has stopped. The data stays in $workdir (delete it to start afresh)."
exit $exit_status

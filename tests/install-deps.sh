#!/bin/bash
# Installs the Debian 12 packages needed to build freebox-cqm and run all of
# its tests. Idempotent and non-interactive: does nothing when everything is
# already installed. README.md says why each package is there.
set -euo pipefail

packages=(
  # build
  meson ninja-build pkg-config g++ python3
  libcurl4-openssl-dev rapidjson-dev libssl-dev libmicrohttpd-dev
  collectd-dev
  zlib1g-dev  # CRC-32 of CQM store headers and samples; CRC-32/Adler-32 of graph PNGs, inflate() in their unit test
  # tests
  catch2 collectd-core collectd-utils tzdata openssl curl wget iproute2
  liboping0  # collectd's stock ping plugin (write_cqm integration test, the peer in the cqm_ping benchmark)
  # cqm_ping: ip/tc for the namespace, netem and TUN tests, unshare for private namespaces
  iproute2 util-linux
  rrdtool librrd8  # collectd's stock rrdtool plugin, the peer in the write_cqm benchmark
  # cqm-exporter
  libinih-dev      # the exporter's INI config file
  libcrypt-dev     # crypt_r: bcrypt and SHA-512-crypt htpasswd logins
  apache2-utils    # htpasswd, to make login files in tests
  clang libclang-rt-14-dev  # libFuzzer target of the URL parser (address + undefined)
  wrk              # load generator of the exporter's load test
  nginx-light      # the peer serving static files in the exporter benchmark
  libxml2-utils    # xmllint: XML against the shipped XSD, SVG well-formedness
  # rendering
  libspng-dev      # PNG encoder (indexed palette)
  fonts-dejavu-core  # the font of the graph text (rasterised at build time)
  # (rrdtool above and nginx-light: the peers of the rendering benchmarks)
  pngcheck         # checks every rendered PNG
  python3-pil      # rasterises the graph font at build time; independent PNG decoder in pixel tests
  # demo, Grafana dashboards, Prometheus /metrics
  graphite-carbon  # carbon-cache: the demo's Graphite, and the store the dashboards are checked against
  python3-prometheus-client  # an independent parser of the exporter's /metrics in tests
  chromium         # headless browser of the end-to-end test: loads the index and a graph
  # Debian packaging
  debhelper dpkg-dev devscripts lintian fakeroot scdoc systemd
  man-db  # man --warnings renders each packaged man page in the packaging-contents test
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"

/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "box.h"

#include <algorithm>
#include <cmath>

#include "box_internal.h"

namespace fbcqm::freebox::sim {

using namespace detail;

namespace {

std::uint64_t hashName(std::string_view text) {
  std::uint64_t hash = 1469598103934665603ULL; /* FNV-1a */
  for (unsigned char c : text)
    hash = (hash ^ c) * 1099511628211ULL;
  return hash;
}

/* Average events per second of the xDSL counters (a decent line with some noise). */
double xdslEventRate(const std::string &key, bool down) {
  const double scale = down ? 1.0 : 0.1;
  if (key == "fec")
    return 1.5 * scale;
  if (key == "crc" || key == "es")
    return 0.002 * scale;
  if (key == "ses")
    return 0.0002 * scale;
  if (key == "hec")
    return 0.0005 * scale;
  if (key == "rtx_tx" || key == "rxmt")
    return 0.5 * scale;
  if (key == "rtx_c" || key == "rxmt_corr")
    return 0.49 * scale;
  if (key == "rtx_uc" || key == "rxmt_uncorr")
    return 0.01 * scale;
  return 0;
}

const char *const kXdslCounters[] = {"es",    "ses",    "crc",  "hec",       "fec",        "rtx_tx",
                                     "rtx_c", "rtx_uc", "rxmt", "rxmt_corr", "rxmt_uncorr"};

bool parsePositiveInt(std::string_view text, int &out) {
  if (text.empty() || text.size() > 9)
    return false;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      return false;
    value = value * 10 + (c - '0');
  }
  out = value;
  return true;
}

std::vector<std::string_view> splitPath(std::string_view path) {
  std::vector<std::string_view> parts;
  while (!path.empty() && path.back() == '/')
    path.remove_suffix(1);
  while (!path.empty()) {
    const auto slash = path.find('/');
    parts.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos)
      break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

} // namespace

ApiAnswer ApiAnswer::error(int status, std::string code, std::string message) {
  ApiAnswer answer;
  answer.httpStatus = status;
  answer.success = false;
  answer.hasResult = false;
  answer.errorCode = std::move(code);
  answer.msg = std::move(message);
  return answer;
}

Box::Box(ModelSpec model, BoxOptions options)
    : model_(std::move(model)), options_(options), rng_(options.seed ^ hashName(model_.name)) {
  if (options_.epochStart == 0)
    options_.epochStart = std::time(nullptr);
  const int portCount = options_.switchPorts > 0 ? options_.switchPorts : model_.switchPorts;
  lan_ = makeLanPopulation(model_, portCount, rng_);
  std::uniform_real_distribution<double> unit(0.0, 1.0);

  const JsonValue &conn = model_.part("connection");
  const double downCap = numberOr(conn, "bandwidth_down", 1e8) / 8 * 0.8;
  const double upCap = numberOr(conn, "bandwidth_up", 1e8) / 8 * 0.8;
  rateDown_ = Wander(numberOr(conn, "rate_down", 0), 0, downCap, downCap * 0.005);
  rateUp_ = Wander(numberOr(conn, "rate_up", 0), 0, upCap, upCap * 0.005);
  bytesDown_ = Counter(numberOr(conn, "bytes_down", 0));
  bytesUp_ = Counter(numberOr(conn, "bytes_up", 0));

  if (model_.xdsl) {
    const JsonValue &line = model_.part("xdsl");
    xdslUptime_ = numberOr(member(line, "status"), "uptime", 0);
    for (auto [name, direction] : {std::pair{"down", &xdslDown_}, std::pair{"up", &xdslUp_}}) {
      const JsonValue &stats = member(line, name);
      const double snr10 = numberOr(stats, "snr_10", numberOr(stats, "snr", 0) * 10);
      direction->snr10 = Wander(snr10, snr10 - 15, snr10 + 15, 0.5);
      for (const char *key : kXdslCounters)
        if (hasMember(stats, key))
          direction->counters[key] = Counter(numberOr(stats, key, 0));
    }
  } else {
    const JsonValue &sfp = model_.part("ftth");
    if (hasMember(sfp, "sfp_pwr_rx")) {
      const double rx = numberOr(sfp, "sfp_pwr_rx", 0), tx = numberOr(sfp, "sfp_pwr_tx", 0);
      sfpRx_ = Wander(rx, rx - 60, rx + 60, 2);
      sfpTx_ = Wander(tx, tx - 20, tx + 20, 0.5);
    }
  }
  if (model_.hasLte)
    for (const auto &band : member(member(model_.part("lte"), "radio"), "bands").GetArray()) {
      const double rsrp = numberOr(band, "rsrp", -100);
      lteRsrp_.emplace_back(rsrp, rsrp - 8, rsrp + 8, 0.4);
    }

  const JsonValue &system = model_.part("system");
  uptime_ = numberOr(system, "uptime_val", 0);
  for (const auto &sensor : member(system, "sensors").GetArray()) {
    if (hasMember(sensor, "value")) {
      const double v = numberOr(sensor, "value", 0);
      sensors_.emplace_back(Wander(v, v - 5, v + 5, 0.3));
    } else {
      sensors_.emplace_back(std::nullopt);
    }
  }
  for (const auto &fan : member(system, "fans").GetArray()) {
    const double v = numberOr(fan, "value", 0);
    fans_.emplace_back(v, v * 0.85, v * 1.15, v * 0.005);
  }

  for (const auto &port : lan_.ports) {
    PortCounters c;
    const double k = port.id;
    c.rxBytes = Counter(20018805 * k);
    c.txBytes = Counter(25316860 * k);
    c.rxPackets = Counter(114296 * k);
    c.txPackets = Counter(166266 * k);
    if (port.up) {
      const double cap = port.speedMbps * 125000.0 * 0.3;
      c.rxRate = Wander(cap * (0.005 + 0.025 * unit(rng_)), 0, cap, cap * 0.01);
      c.txRate = Wander(cap * (0.005 + 0.025 * unit(rng_)), 0, cap, cap * 0.01);
    }
    ports_.push_back(c);
  }

  for (const auto &device : lan_.devices) {
    if (!device.wifi || !device.active) {
      stations_.emplace_back(std::nullopt);
      continue;
    }
    std::string band = "5g";
    for (const auto &ap : model_.accessPoints)
      if (ap.id == device.accessPoint)
        band = ap.band;
    const double cap = bandStationCap(band);
    StationState s;
    s.rxRate = Wander(cap * 0.01 * unit(rng_), 0, cap, cap * 0.01);
    s.txRate = Wander(cap * 0.05 * unit(rng_), 0, cap, cap * 0.01);
    const double signal = -40 - 30 * unit(rng_);
    s.signal = Wander(signal, -85, -30, 0.3);
    s.rxBytes = Counter(std::floor(1e6 + 2e9 * unit(rng_)));
    s.txBytes = Counter(std::floor(1e7 + 8e9 * unit(rng_)));
    s.connected = std::floor(60 + 3 * 86400 * unit(rng_));
    stations_.emplace_back(s);
  }

  for (const auto &disk : model_.part("disks").GetArray()) {
    DiskState d;
    const double temp = numberOr(disk, "temp", 0);
    if (temp > 0)
      d.temp = Wander(temp, temp - 3, temp + 3, 0.05);
    d.reads = Counter(numberOr(disk, "read_requests", 0));
    d.writes = Counter(numberOr(disk, "write_requests", 0));
    for (const auto &partition : member(disk, "partitions").GetArray()) {
      d.usedBytes.emplace_back(numberOr(partition, "used_bytes", 0));
      d.usedAtStart.push_back(d.usedBytes.back().value());
      d.freeAtStart.push_back(static_cast<std::uint64_t>(numberOr(partition, "free_bytes", 0)));
    }
    disks_.push_back(std::move(d));
  }
}

void Box::advance(double seconds) {
  if (options_.frozen || !(seconds > 0))
    return;
  elapsed_ += seconds;
  uptime_ += seconds;
  if (wan_ != WanState::Down)
    xdslUptime_ += seconds;

  const double down0 = wanRate(rateDown_, true), up0 = wanRate(rateUp_, false);
  rateDown_.walk(rng_, seconds);
  rateUp_.walk(rng_, seconds);
  bytesDown_.add((down0 + wanRate(rateDown_, true)) / 2 * seconds);
  bytesUp_.add((up0 + wanRate(rateUp_, false)) / 2 * seconds);

  for (auto [direction, down] : {std::pair{&xdslDown_, true}, std::pair{&xdslUp_, false}}) {
    direction->snr10.walk(rng_, seconds);
    for (auto &[key, counter] : direction->counters)
      counter.addEvents(rng_, xdslEventRate(key, down), seconds);
  }
  if (sfpRx_) {
    sfpRx_->walk(rng_, seconds);
    sfpTx_->walk(rng_, seconds);
  }
  for (auto &rsrp : lteRsrp_)
    rsrp.walk(rng_, seconds);
  for (auto &sensor : sensors_)
    if (sensor)
      sensor->walk(rng_, seconds);
  for (auto &fan : fans_)
    fan.walk(rng_, seconds);

  for (std::size_t i = 0; i < ports_.size(); ++i) {
    if (!lan_.ports[i].up)
      continue;
    PortCounters &c = ports_[i];
    c.rxRate.walk(rng_, seconds);
    c.txRate.walk(rng_, seconds);
    c.rxBytes.add(c.rxRate.value() * seconds);
    c.txBytes.add(c.txRate.value() * seconds);
    c.rxPackets.add(c.rxRate.value() / kAveragePacketBytes * seconds);
    c.txPackets.add(c.txRate.value() / kAveragePacketBytes * seconds);
    c.rxErrors.addEvents(rng_, 0.0005, seconds);
    c.rxFcs.addEvents(rng_, 0.0002, seconds);
  }
  for (auto &station : stations_) {
    if (!station)
      continue;
    station->rxRate.walk(rng_, seconds);
    station->txRate.walk(rng_, seconds);
    station->signal.walk(rng_, seconds);
    station->rxBytes.add(station->rxRate.value() * seconds);
    station->txBytes.add(station->txRate.value() * seconds);
    station->connected += seconds;
  }
  for (auto &disk : disks_) {
    if (disk.temp)
      disk.temp->walk(rng_, seconds);
    disk.reads.addEvents(rng_, 2.0, seconds);
    disk.writes.addEvents(rng_, 5.0, seconds);
    for (auto &used : disk.usedBytes)
      if (used.value() > 0)
        used.add(4096.0 * seconds);
  }
}

std::optional<WanState> parseWanState(std::string_view text) {
  if (text == "up")
    return WanState::Up;
  if (text == "down")
    return WanState::Down;
  if (text == "backup")
    return WanState::Backup;
  return std::nullopt;
}

bool Box::setWanState(WanState state) {
  if (state == WanState::Backup && !model_.hasLte)
    return false;
  if (wan_ == WanState::Down && state != WanState::Down)
    xdslUptime_ = 0; /* the line trains again */
  wan_ = state;
  return true;
}

double Box::wanRate(const Wander &rate, bool down) const {
  switch (wan_) {
  case WanState::Down:
    return 0;
  case WanState::Backup:
    return std::min(rate.value(), (down ? kBackupBandwidthDown : kBackupBandwidthUp) / 8 * 0.8);
  case WanState::Up:
    break;
  }
  return rate.value();
}

std::vector<std::string> Box::monitoringPaths() const {
  std::vector<std::string> paths = {"connection/", "connection/config/"};
  paths.push_back(model_.xdsl ? "connection/xdsl/" : "connection/ftth/");
  if (model_.hasLte)
    paths.push_back("connection/lte/backup/");
  paths.push_back("system/");
  paths.push_back("switch/status/");
  for (const auto &port : lan_.ports)
    paths.push_back("switch/port/" + std::to_string(port.id) + "/stats/");
  for (const char *path : {"lan/config/", "lan/browser/interfaces/", "lan/browser/pub/", "lan/browser/wifiguest/",
                           "wifi/config/", "wifi/ap/"})
    paths.emplace_back(path);
  for (const auto &ap : model_.accessPoints)
    paths.push_back("wifi/ap/" + std::to_string(ap.id) + "/stations/");
  paths.emplace_back("storage/disk/");
  return paths;
}

std::optional<ApiAnswer> Box::get(std::string_view path, int major, bool quirks) const {
  const auto p = splitPath(path);
  const auto is = [&p](std::initializer_list<std::string_view> want) {
    return p.size() == want.size() && std::equal(want.begin(), want.end(), p.begin());
  };
  int id = 0;
  if (is({"connection"}))
    return connection(quirks);
  if (is({"connection", "config"}))
    return connectionConfig();
  if (is({"connection", "xdsl"}))
    return xdsl();
  if (is({"connection", "ftth"}))
    return ftth();
  if (is({"connection", "lte", "backup"}) || is({"connection", "lte", "config"}))
    return lte();
  if (is({"system"}))
    return system(major, quirks);
  if (is({"switch", "status"}))
    return switchStatus(quirks);
  if (p.size() == 4 && p[0] == "switch" && p[1] == "port" && p[3] == "stats" && parsePositiveInt(p[2], id))
    return switchPortStats(id, quirks);
  if (p.size() == 3 && p[0] == "switch" && p[1] == "port" && parsePositiveInt(p[2], id))
    return switchPortConfig(id);
  if (is({"lan", "config"}))
    return lanConfig();
  if (is({"lan", "browser", "interfaces"}))
    return lanInterfaces();
  if (p.size() == 3 && p[0] == "lan" && p[1] == "browser")
    return lanHosts(p[2], major);
  if (is({"wifi", "config"}))
    return wifiConfig();
  if (is({"wifi", "ap"}))
    return wifiAccessPoints();
  if (p.size() == 4 && p[0] == "wifi" && p[1] == "ap" && p[3] == "stations" && parsePositiveInt(p[2], id))
    return wifiStations(id);
  if (is({"storage", "disk"}))
    return storageDisks();
  return std::nullopt;
}

} // namespace fbcqm::freebox::sim

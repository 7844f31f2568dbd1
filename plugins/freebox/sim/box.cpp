/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "box.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>

namespace fbcqm::freebox::sim {

namespace {

constexpr double kAveragePacketBytes = 600;
/* Shares of unicast/multicast packets in the doc's switch/port/{id}/stats example. */
constexpr double kRxUnicastShare = 113034.0 / 114296.0, kRxMulticastShare = 1217.0 / 114296.0;
constexpr double kTxUnicastShare = 112409.0 / 166266.0, kTxMulticastShare = 27962.0 / 166266.0;

std::uint64_t hashName(std::string_view text) {
  std::uint64_t hash = 1469598103934665603ULL; /* FNV-1a */
  for (unsigned char c : text)
    hash = (hash ^ c) * 1099511628211ULL;
  return hash;
}

JsonDoc copyOf(const JsonValue &value) {
  JsonDoc doc;
  doc.CopyFrom(value, doc.GetAllocator());
  return doc;
}

JsonValue u64(std::uint64_t value) { return JsonValue(value); }
JsonValue i64(std::int64_t value) { return JsonValue(value); }

double numberOr(const JsonValue &object, const char *key, double fallback) {
  if (!object.IsObject())
    return fallback;
  auto it = object.FindMember(key);
  return it != object.MemberEnd() && it->value.IsNumber() ? it->value.GetDouble() : fallback;
}

bool hasMember(const JsonValue &object, const char *key) { return object.IsObject() && object.HasMember(key); }

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

double bandStationCap(const std::string &band) {
  if (band == "2d4g")
    return 2.0e6;
  if (band == "6g")
    return 40.0e6;
  return 20.0e6;
}

int bandBitrate(const std::string &band) { return band == "2d4g" ? 1440 : band == "6g" ? 28820 : 8647; }

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
  xdslUptime_ += seconds;

  const double down0 = rateDown_.value(), up0 = rateUp_.value();
  rateDown_.walk(rng_, seconds);
  rateUp_.walk(rng_, seconds);
  bytesDown_.add((down0 + rateDown_.value()) / 2 * seconds);
  bytesUp_.add((up0 + rateUp_.value()) / 2 * seconds);

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

ApiAnswer Box::connection(bool quirks) const {
  ApiAnswer answer;
  answer.result = copyOf(model_.part("connection"));
  auto &a = answer.result.GetAllocator();
  const std::uint64_t offset = quirks ? kQuirkCounterOffset : 0;
  setMember(answer.result, "rate_down", i64(rateDown_.rounded()), a);
  setMember(answer.result, "rate_up", i64(rateUp_.rounded()), a);
  setMember(answer.result, "bytes_down", u64(bytesDown_.value() + offset), a);
  setMember(answer.result, "bytes_up", u64(bytesUp_.value() + offset), a);
  return answer;
}

ApiAnswer Box::connectionConfig() const {
  ApiAnswer answer;
  auto &r = answer.result;
  r.SetObject();
  auto &a = r.GetAllocator();
  const JsonValue &conn = model_.part("connection");
  const JsonValue &discovery = model_.part("discovery");
  r.AddMember("ping", true, a);
  r.AddMember("is_secure_pass", false, a);
  r.AddMember("remote_access_port", 80, a);
  r.AddMember("remote_access", false, a);
  r.AddMember("wol", false, a);
  r.AddMember("adblock", false, a);
  r.AddMember("api_remote_access", true, a);
  r.AddMember("allow_token_request", allowTokenRequest_, a);
  r.AddMember("remote_access_ip", JsonValue(member(conn, "ipv4"), a), a);
  r.AddMember("sip_alg", false, a);
  if (model_.apiMajor >= 16)
    r.AddMember("api_domain", JsonValue(member(discovery, "api_domain"), a), a);
  r.AddMember("https_available", httpsAvailable_, a);
  r.AddMember("https_port", httpsPort_, a);
  return answer;
}

ApiAnswer Box::xdsl() const {
  if (!model_.xdsl)
    return ApiAnswer::error(200, "service_down", "Ce service n'est pas disponible actuellement");
  ApiAnswer answer;
  answer.result = copyOf(model_.part("xdsl"));
  auto &a = answer.result.GetAllocator();
  setMember(answer.result["status"], "uptime", u64(static_cast<std::uint64_t>(xdslUptime_)), a);
  for (auto [name, direction] : {std::pair{"down", &xdslDown_}, std::pair{"up", &xdslUp_}}) {
    JsonValue &stats = answer.result[name];
    const std::int64_t snr10 = direction->snr10.rounded();
    if (stats.HasMember("snr_10"))
      setMember(stats, "snr_10", i64(snr10), a);
    if (stats.HasMember("snr"))
      setMember(stats, "snr", i64(snr10 / 10), a);
    for (const auto &[key, counter] : direction->counters)
      setMember(stats, key, u64(counter.value()), a);
  }
  return answer;
}

ApiAnswer Box::ftth() const {
  if (model_.xdsl)
    return ApiAnswer::error(200, "service_down", "Ce service n'est pas disponible actuellement");
  ApiAnswer answer;
  answer.result = copyOf(model_.part("ftth"));
  auto &a = answer.result.GetAllocator();
  if (sfpRx_) {
    setMember(answer.result, "sfp_pwr_rx", i64(sfpRx_->rounded()), a);
    setMember(answer.result, "sfp_pwr_tx", i64(sfpTx_->rounded()), a);
  }
  return answer;
}

ApiAnswer Box::lte() const {
  if (!model_.hasLte)
    return ApiAnswer::error(200, "noent", "Aucun module 4G");
  ApiAnswer answer;
  answer.result = copyOf(model_.part("lte"));
  auto &a = answer.result.GetAllocator();
  JsonValue &bands = answer.result["radio"]["bands"];
  for (rapidjson::SizeType i = 0; i < bands.Size() && i < lteRsrp_.size(); ++i)
    setMember(bands[i], "rsrp", i64(lteRsrp_[i].rounded()), a);
  return answer;
}

ApiAnswer Box::system(int major, bool quirks) const {
  ApiAnswer answer;
  JsonDoc &r = answer.result;
  r = copyOf(model_.part("system"));
  auto &a = r.GetAllocator();
  const auto uptime = static_cast<std::uint64_t>(uptime_);
  setMember(r, "uptime_val", u64(uptime), a);
  setMember(r, "uptime", makeString(frenchUptime(uptime), a), a);

  if (major >= 5) {
    /* Current format: sensors[] and fans[] (freebox-api.md 4.5). */
    bool dropped = false;
    JsonValue &sensors = r["sensors"];
    for (rapidjson::SizeType i = 0; i < sensors.Size(); ++i) {
      if (!sensors_[i])
        continue;
      if (quirks && !dropped) {
        removeMember(sensors[i], "value");
        dropped = true;
        continue;
      }
      setMember(sensors[i], "value", i64(sensors_[i]->rounded()), a);
    }
    JsonValue &fans = r["fans"];
    for (rapidjson::SizeType i = 0; i < fans.Size(); ++i) {
      if (quirks && i == 0)
        removeMember(fans[i], "value");
      else
        setMember(fans[i], "value", i64(fans_[i].rounded()), a);
    }
    return answer;
  }

  /* Old flat format, served for API majors below 5. */
  const JsonValue &templ = model_.part("system");
  for (const char *key : {"sensors", "fans", "model_info", "expansions"})
    removeMember(r, key);
  bool dropped = false;
  for (const auto &id : model_.flatSensors) {
    const JsonValue &sensors = member(templ, "sensors");
    for (rapidjson::SizeType i = 0; i < sensors.Size(); ++i) {
      if (stringMember(sensors[i], "id") != id || !sensors_[i])
        continue;
      if (quirks && !dropped) {
        dropped = true;
        continue;
      }
      setMember(r, id, i64(sensors_[i]->rounded()), a);
    }
  }
  if (!fans_.empty())
    setMember(r, "fan_rpm", i64(fans_[0].rounded()), a);
  for (const auto &extra : member(*model_.data, "flat_extra").GetObject()) {
    const std::string_view key(extra.name.GetString(), extra.name.GetStringLength());
    if (key == "api_version")
      setMember(r, key, makeString(model_.apiVersion, a), a);
    else
      setMember(r, key, JsonValue(extra.value, a), a);
  }
  return answer;
}

int Box::portIndex(int id) const {
  for (std::size_t i = 0; i < lan_.ports.size(); ++i)
    if (lan_.ports[i].id == id)
      return static_cast<int>(i);
  return -1;
}

ApiAnswer Box::switchStatus(bool quirks) const {
  ApiAnswer answer;
  auto &r = answer.result;
  r.SetArray();
  auto &a = r.GetAllocator();
  for (const auto &port : lan_.ports) {
    JsonValue o(rapidjson::kObjectType);
    o.AddMember("duplex", JsonValue(port.fullDuplex ? "full" : "half", a), a);
    if (port.device >= 0) {
      const LanDevice &device = lan_.devices[static_cast<std::size_t>(port.device)];
      JsonValue entry(rapidjson::kObjectType);
      entry.AddMember("mac", makeString(device.mac, a), a);
      entry.AddMember("hostname", makeString(device.hostname, a), a);
      JsonValue list(rapidjson::kArrayType);
      list.PushBack(entry, a);
      o.AddMember("mac_list", list, a);
    } else if (quirks) {
      o.AddMember("mac_list", JsonValue(rapidjson::kObjectType), a); /* seen on a Delta */
    }
    o.AddMember("link", JsonValue(port.up ? "up" : "down", a), a);
    o.AddMember("id", port.id, a);
    o.AddMember("mode", makeString(port.mode(), a), a);
    o.AddMember("speed", makeString(port.speed(), a), a);
    if (model_.portNames) {
      o.AddMember("name", makeString("Ethernet " + std::to_string(port.id), a), a);
      o.AddMember("rrd_id", makeString(std::to_string(port.id), a), a);
    }
    r.PushBack(o, a);
  }
  return answer;
}

ApiAnswer Box::switchPortStats(int id, bool quirks) const {
  const int index = portIndex(id);
  if (index < 0)
    return ApiAnswer::error(200, "bad_port", "Port invalide");
  const SwitchPortSpec &port = lan_.ports[static_cast<std::size_t>(index)];
  const PortCounters &c = ports_[static_cast<std::size_t>(index)];
  const std::uint64_t offset = quirks ? kQuirkCounterOffset : 0;
  /* A port without link has no rate; the real box says -1 there (quirk). */
  const std::int64_t noRate = quirks ? -1 : 0;
  const std::int64_t rxRate = port.up ? c.rxRate.rounded() : noRate;
  const std::int64_t txRate = port.up ? c.txRate.rounded() : noRate;
  const std::int64_t rxPacketsRate = port.up ? std::llround(c.rxRate.value() / kAveragePacketBytes) : noRate;
  const std::int64_t txPacketsRate = port.up ? std::llround(c.txRate.value() / kAveragePacketBytes) : noRate;
  const std::uint64_t rxPackets = c.rxPackets.value(), txPackets = c.txPackets.value();
  const auto rxUnicast = static_cast<std::uint64_t>(rxPackets * kRxUnicastShare);
  const auto rxMulticast = static_cast<std::uint64_t>(rxPackets * kRxMulticastShare);
  const auto txUnicast = static_cast<std::uint64_t>(txPackets * kTxUnicastShare);
  const auto txMulticast = static_cast<std::uint64_t>(txPackets * kTxMulticastShare);

  ApiAnswer answer;
  auto &r = answer.result;
  r.SetObject();
  auto &a = r.GetAllocator();
  /* Key order of the doc example. */
  r.AddMember("rx_packets_rate", i64(rxPacketsRate), a);
  r.AddMember("rx_good_bytes", u64(c.rxBytes.value() + offset), a);
  r.AddMember("rx_oversize_packets", 0, a);
  r.AddMember("rx_unicast_packets", u64(rxUnicast), a);
  r.AddMember("tx_bytes_rate", i64(txRate), a);
  r.AddMember("tx_unicast_packets", u64(txUnicast), a);
  r.AddMember("rx_bytes_rate", i64(rxRate), a);
  r.AddMember("tx_packets", u64(txPackets), a);
  r.AddMember("tx_collisions", 0, a);
  r.AddMember("tx_packets_rate", i64(txPacketsRate), a);
  r.AddMember("tx_fcs", 0, a);
  r.AddMember("tx_bytes", u64(c.txBytes.value() + offset), a);
  r.AddMember("rx_jabber_packets", 0, a);
  r.AddMember("tx_single", 0, a);
  r.AddMember("tx_excessive", 0, a);
  r.AddMember("rx_pause", 0, a);
  r.AddMember("rx_multicast_packets", u64(rxMulticast), a);
  r.AddMember("tx_pause", 0, a);
  r.AddMember("rx_good_packets", u64(rxPackets), a);
  r.AddMember("rx_broadcast_packets", u64(rxPackets - rxUnicast - rxMulticast), a);
  r.AddMember("tx_multiple", 0, a);
  r.AddMember("tx_deferred", 0, a);
  r.AddMember("tx_late", 0, a);
  r.AddMember("tx_multicast_packets", u64(txMulticast), a);
  r.AddMember("rx_fcs_packets", u64(c.rxFcs.value()), a);
  r.AddMember("tx_broadcast_packets", u64(txPackets - txUnicast - txMulticast), a);
  r.AddMember("rx_err_packets", u64(c.rxErrors.value()), a);
  r.AddMember("rx_fragments_packets", 0, a);
  r.AddMember("rx_bad_bytes", 0, a);
  r.AddMember("rx_undersize_packets", 0, a);
  return answer;
}

ApiAnswer Box::switchPortConfig(int id) const {
  if (portIndex(id) < 0)
    return ApiAnswer::error(200, "bad_port", "Port invalide");
  ApiAnswer answer;
  auto &r = answer.result;
  r.SetObject();
  auto &a = r.GetAllocator();
  r.AddMember("id", id, a);
  r.AddMember("speed", "auto", a);
  r.AddMember("duplex", "auto", a);
  return answer;
}

ApiAnswer Box::lanConfig() const {
  ApiAnswer answer;
  auto &r = answer.result;
  r.SetObject();
  auto &a = r.GetAllocator();
  r.AddMember("name_dns", "freebox-server", a);
  r.AddMember("name_mdns", "Freebox-Server", a);
  r.AddMember("name", "Freebox Server", a);
  r.AddMember("mode", "router", a);
  r.AddMember("name_netbios", "Freebox_Server", a);
  r.AddMember("ip", "192.168.1.254", a);
  return answer;
}

ApiAnswer Box::lanInterfaces() const {
  ApiAnswer answer;
  auto &r = answer.result;
  r.SetArray();
  auto &a = r.GetAllocator();
  JsonValue pub(rapidjson::kObjectType);
  pub.AddMember("name", "pub", a);
  pub.AddMember("host_count", static_cast<std::uint64_t>(lan_.devices.size()), a);
  r.PushBack(pub, a);
  JsonValue guest(rapidjson::kObjectType);
  guest.AddMember("name", "wifiguest", a);
  guest.AddMember("host_count", 0, a);
  r.PushBack(guest, a);
  return answer;
}

JsonValue Box::lanHost(const LanDevice &device, int major, JsonAlloc &a) const {
  const std::int64_t now = epochNow();
  const std::int64_t lastActivity = device.active ? now : now - device.lastSeenAgo;
  JsonValue o(rapidjson::kObjectType);
  o.AddMember("l2ident", JsonValue(rapidjson::kObjectType), a);
  o["l2ident"].AddMember("id", makeString(device.mac, a), a);
  o["l2ident"].AddMember("type", "mac_address", a);
  o.AddMember("active", device.active, a);
  o.AddMember("persistent", false, a);
  JsonValue names(rapidjson::kArrayType);
  JsonValue name(rapidjson::kObjectType);
  name.AddMember("name", makeString(device.hostname, a), a);
  name.AddMember("source", "dhcp", a);
  names.PushBack(name, a);
  o.AddMember("names", names, a);
  o.AddMember("vendor_name", makeString(device.vendor, a), a);
  o.AddMember("host_type", makeString(device.hostType, a), a);
  o.AddMember("interface", "pub", a);
  std::string lower = device.mac;
  for (char &c : lower)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  o.AddMember("id", makeString("ether-" + lower, a), a);
  o.AddMember("last_time_reachable", i64(lastActivity), a);
  o.AddMember("primary_name_manual", false, a);
  JsonValue l3(rapidjson::kArrayType);
  JsonValue v4(rapidjson::kObjectType);
  v4.AddMember("addr", makeString(device.ipv4, a), a);
  v4.AddMember("active", device.active, a);
  v4.AddMember("reachable", device.active, a);
  v4.AddMember("last_activity", i64(lastActivity), a);
  v4.AddMember("af", "ipv4", a);
  v4.AddMember("last_time_reachable", i64(lastActivity), a);
  l3.PushBack(v4, a);
  o.AddMember("l3connectivities", l3, a);
  o.AddMember("default_name", makeString(device.hostname, a), a);
  o.AddMember("first_activity", i64(options_.epochStart - device.firstSeenAgo), a);
  o.AddMember("reachable", device.active, a);
  o.AddMember("last_activity", i64(lastActivity), a);
  o.AddMember("primary_name", makeString(device.hostname, a), a);
  if (major >= 10) {
    /* access_point{} appears on newer firmware. */
    JsonValue ap(rapidjson::kObjectType);
    ap.AddMember("connectivity_type", JsonValue(device.wifi ? "wifi" : "ethernet", a), a);
    const std::string boxMac = stringMember(model_.part("system"), "mac");
    ap.AddMember("mac", makeString(boxMac, a), a);
    ap.AddMember("type", "gateway", a);
    ap.AddMember("uid", JsonValue(member(model_.part("discovery"), "uid"), a), a);
    o.AddMember("access_point", ap, a);
  }
  return o;
}

ApiAnswer Box::lanHosts(std::string_view interface, int major) const {
  if (interface == "wifiguest") {
    ApiAnswer empty;
    empty.hasResult = false; /* empty lists come without "result" */
    return empty;
  }
  if (interface != "pub")
    return ApiAnswer::error(200, "nodev",
                            "Erreur lors de la r\xC3\xA9"
                            "cup\xC3\xA9ration de la liste des h\xC3\xB4tes : Interface invalide");
  ApiAnswer answer;
  auto &r = answer.result;
  r.SetArray();
  auto &a = r.GetAllocator();
  for (const auto &device : lan_.devices)
    r.PushBack(lanHost(device, major, a), a);
  return answer;
}

ApiAnswer Box::wifiConfig() const {
  ApiAnswer answer;
  auto &r = answer.result;
  r.SetObject();
  auto &a = r.GetAllocator();
  r.AddMember("enabled", true, a);
  r.AddMember("power_saving", false, a);
  r.AddMember("mac_filter_state", "disabled", a);
  return answer;
}

ApiAnswer Box::wifiAccessPoints() const {
  ApiAnswer answer;
  auto &r = answer.result;
  r.SetArray();
  auto &a = r.GetAllocator();
  for (const auto &ap : model_.accessPoints) {
    JsonValue o(rapidjson::kObjectType);
    o.AddMember("id", ap.id, a);
    o.AddMember("name", makeString(ap.name, a), a);
    JsonValue status(rapidjson::kObjectType);
    status.AddMember("state", "active", a);
    status.AddMember("channel_width", makeString(ap.channelWidth, a), a);
    status.AddMember("primary_channel", ap.primaryChannel, a);
    status.AddMember("secondary_channel", 0, a);
    status.AddMember("dfs_cac_remaining_time", 0, a);
    status.AddMember("dfs_disabled", false, a);
    o.AddMember("status", status, a);
    JsonValue config(rapidjson::kObjectType);
    config.AddMember("band", makeString(ap.band, a), a);
    config.AddMember("channel_width", makeString(ap.channelWidth, a), a);
    config.AddMember("primary_channel", ap.primaryChannel, a);
    config.AddMember("secondary_channel", 0, a);
    config.AddMember("dfs_enabled", false, a);
    o.AddMember("config", config, a);
    o.AddMember("capabilities", JsonValue(rapidjson::kObjectType), a);
    r.PushBack(o, a);
  }
  return answer;
}

ApiAnswer Box::wifiStations(int accessPoint) const {
  const AccessPointSpec *spec = nullptr;
  for (const auto &ap : model_.accessPoints)
    if (ap.id == accessPoint)
      spec = &ap;
  if (!spec)
    return ApiAnswer::error(200, "noent", "Point d'acc\xC3\xA8s inconnu");
  ApiAnswer answer;
  auto &r = answer.result;
  r.SetArray();
  auto &a = r.GetAllocator();
  const std::string bssid = macWithLastByte(stringMember(model_.part("system"), "mac"), 0x10 + accessPoint);
  const int bitrate = bandBitrate(spec->band);
  for (std::size_t i = 0; i < lan_.devices.size(); ++i) {
    const LanDevice &device = lan_.devices[i];
    if (device.accessPoint != accessPoint || !stations_[i])
      continue;
    const StationState &s = *stations_[i];
    JsonValue o(rapidjson::kObjectType);
    o.AddMember("id", makeString(device.mac + "-" + bssid, a), a);
    o.AddMember("mac", makeString(device.mac, a), a);
    o.AddMember("bssid", makeString(bssid, a), a);
    o.AddMember("hostname", makeString(device.hostname, a), a);
    o.AddMember("host", lanHost(device, model_.apiMajor, a), a);
    o.AddMember("state", "associated", a);
    o.AddMember("inactive", 0, a);
    o.AddMember("conn_duration", u64(static_cast<std::uint64_t>(s.connected)), a);
    o.AddMember("rx_bytes", u64(s.rxBytes.value()), a);
    o.AddMember("tx_bytes", u64(s.txBytes.value()), a);
    o.AddMember("rx_rate", i64(s.rxRate.rounded()), a);
    o.AddMember("tx_rate", i64(s.txRate.rounded()), a);
    o.AddMember("signal", i64(s.signal.rounded()), a);
    JsonValue flags(rapidjson::kObjectType);
    flags.AddMember("legacy", false, a);
    flags.AddMember("ht", true, a);
    flags.AddMember("vht", spec->band != "2d4g", a);
    flags.AddMember("he", model_.apiMajor >= 9, a);
    o.AddMember("flags", flags, a);
    for (const char *key : {"last_rx", "last_tx"}) {
      JsonValue last(rapidjson::kObjectType);
      last.AddMember("bitrate", bitrate, a);
      last.AddMember("mcs", 9, a);
      last.AddMember("vht_mcs", 9, a);
      last.AddMember("width", makeString(spec->channelWidth, a), a);
      last.AddMember("shortgi", true, a);
      o.AddMember(JsonValue(key, a), last, a);
    }
    r.PushBack(o, a);
  }
  if (r.Empty())
    answer.hasResult = false;
  return answer;
}

ApiAnswer Box::storageDisks() const {
  ApiAnswer answer;
  answer.result = copyOf(model_.part("disks"));
  auto &r = answer.result;
  auto &a = r.GetAllocator();
  if (r.Empty()) {
    answer.hasResult = false;
    return answer;
  }
  for (rapidjson::SizeType i = 0; i < r.Size() && i < disks_.size(); ++i) {
    const DiskState &d = disks_[i];
    JsonValue &disk = r[i];
    if (d.temp)
      setMember(disk, "temp", i64(d.temp->rounded()), a);
    setMember(disk, "read_requests", u64(d.reads.value()), a);
    setMember(disk, "write_requests", u64(d.writes.value()), a);
    JsonValue &partitions = disk["partitions"];
    for (rapidjson::SizeType j = 0; j < partitions.Size() && j < d.usedBytes.size(); ++j) {
      JsonValue &partition = partitions[j];
      /* Written data moves from free to used; the sample's own figures stay as they are at start. */
      const std::uint64_t grown = std::min(d.usedBytes[j].value() - d.usedAtStart[j], d.freeAtStart[j]);
      setMember(partition, "used_bytes", u64(d.usedAtStart[j] + grown), a);
      setMember(partition, "free_bytes", u64(d.freeAtStart[j] - grown), a);
    }
  }
  return answer;
}

} // namespace fbcqm::freebox::sim

/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "lan_population.h"

#include <cstdio>
#include <map>

namespace fbcqm::freebox::sim {

namespace {

struct DeviceKind {
  const char *hostname;
  const char *hostType;
  const char *vendor;
  const char *ouiPrefix;
};

/* Typical French home LAN; host_type values from the LanHost doc. */
constexpr DeviceKind kWiredKinds[] = {
    {"Freebox-Player", "freebox_player", "Freebox SAS", "70:FC:8F"},
    {"PC-Bureau", "workstation", "Intel Corporate", "3C:A9:F4"},
    {"NAS", "nas", "Synology Incorporated", "00:11:32"},
    {"TV-Salon", "television", "Samsung Electronics Co.,Ltd", "8C:F5:A3"},
    {"raspberrypi", "other", "Raspberry Pi Foundation", "B8:27:EB"},
    {"imprimante", "printer", "HP Inc.", "10:62:E5"},
};
constexpr DeviceKind kWifiKinds[] = {
    {"iPhone-de-Marie", "smartphone", "Apple, Inc.", "F0:18:98"},
    {"MacBook-Pro", "laptop", "Apple, Inc.", "A4:83:E7"},
    {"Galaxy-S21", "smartphone", "Samsung Electronics Co.,Ltd", "D0:C2:4E"},
    {"iPad", "tablet", "Apple, Inc.", "DC:A9:04"},
    {"Sonos-Cuisine", "multimedia_device", "Sonos, Inc.", "94:9F:3E"},
    {"Nintendo-Switch", "vg_console", "Nintendo Co.,Ltd", "98:41:5C"},
    {"thermostat", "thermostat", "Netatmo", "70:EE:50"},
};

std::string randomMac(const char *prefix, Rng &rng) {
  std::uniform_int_distribution<int> byte(0, 255);
  char text[32];
  std::snprintf(text, sizeof text, "%s:%02X:%02X:%02X", prefix, byte(rng), byte(rng), byte(rng));
  return text;
}

class DeviceFactory {
public:
  explicit DeviceFactory(Rng &rng) : rng_(rng) {}

  LanDevice make(const DeviceKind &kind) {
    LanDevice device;
    const int seen = ++seen_[kind.hostname];
    device.hostname = seen == 1 ? kind.hostname : std::string(kind.hostname) + "-" + std::to_string(seen);
    device.hostType = kind.hostType;
    device.vendor = kind.vendor;
    device.mac = randomMac(kind.ouiPrefix, rng_);
    device.ipv4 = "192.168.1." + std::to_string(nextAddress_++);
    std::uniform_int_distribution<std::int64_t> days(1, 400);
    device.firstSeenAgo = days(rng_) * 86400;
    return device;
  }

private:
  Rng &rng_;
  std::map<std::string, int> seen_;
  int nextAddress_ = 10;
};

/* Ports 1..4 follow the doc and Delta samples (1000 FD, 100 FD, down, 1000 FD); beyond, odd up, even down. */
SwitchPortSpec portPattern(int id) {
  SwitchPortSpec port;
  port.id = id;
  const bool up = id <= 4 ? id != 3 : id % 2 == 1;
  port.up = up;
  port.fullDuplex = up;
  port.speedMbps = !up ? 10 : id == 2 ? 100 : 1000;
  return port;
}

} // namespace

std::string SwitchPortSpec::mode() const {
  const char *medium = speedMbps == 1000 ? "BaseT" : speedMbps == 100 ? "BaseTX" : "BaseT";
  return std::to_string(speedMbps) + medium + (fullDuplex ? "-FD" : "-HD");
}

std::string macWithLastByte(const std::string &mac, int lastByte) {
  char tail[4];
  std::snprintf(tail, sizeof tail, "%02X", lastByte & 0xff);
  if (mac.size() < 2)
    return mac;
  return mac.substr(0, mac.size() - 2) + tail;
}

LanPopulation makeLanPopulation(const ModelSpec &model, int switchPorts, Rng &rng) {
  LanPopulation lan;
  DeviceFactory factory(rng);
  std::size_t wired = 0, wireless = 0;
  for (int id = 1; id <= switchPorts; ++id) {
    SwitchPortSpec port = portPattern(id);
    if (port.up) {
      LanDevice device = factory.make(kWiredKinds[wired++ % std::size(kWiredKinds)]);
      device.port = id;
      port.device = static_cast<int>(lan.devices.size());
      lan.devices.push_back(std::move(device));
    }
    lan.ports.push_back(port);
  }
  for (const auto &ap : model.accessPoints) {
    for (int i = 0; i < ap.stations; ++i) {
      LanDevice device = factory.make(kWifiKinds[wireless++ % std::size(kWifiKinds)]);
      device.wifi = true;
      device.accessPoint = ap.id;
      lan.devices.push_back(std::move(device));
    }
  }
  std::uniform_int_distribution<std::int64_t> hours(2, 24 * 30);
  for (int i = 0; i < model.lanInactiveHosts; ++i) {
    const bool wifi = i % 2 == 0;
    LanDevice device = wifi ? factory.make(kWifiKinds[wireless++ % std::size(kWifiKinds)])
                            : factory.make(kWiredKinds[wired++ % std::size(kWiredKinds)]);
    device.active = false;
    device.lastSeenAgo = hours(rng) * 3600;
    device.firstSeenAgo += device.lastSeenAgo;
    lan.devices.push_back(std::move(device));
  }
  return lan;
}

} // namespace fbcqm::freebox::sim

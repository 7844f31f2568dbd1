/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The LAN side: switch ports, LAN browser, Wi-Fi, storage. */
#include "box.h"

#include <cctype>
#include <cmath>

#include "box_internal.h"

namespace fbcqm::freebox::sim {

using namespace detail;

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

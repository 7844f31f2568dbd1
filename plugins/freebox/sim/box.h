/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One simulated Freebox: the monitoring endpoints of the Freebox OS API for a
 * model, with values that move over time (advance()) and the answer each
 * endpoint gives now (get()). No sockets, no sessions: see Simulator for the
 * HTTP side. Not thread-safe; the Simulator serializes access.
 */
#pragma once

#include <cstdint>
#include <ctime>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lan_population.h"
#include "line_dynamics.h"
#include "model_catalog.h"
#include "sim_json.h"

namespace fbcqm::freebox::sim {

struct BoxOptions {
  bool frozen = false;        /* advance() does nothing: exact-value tests */
  std::uint64_t seed = 1;     /* generated devices and random walks */
  int switchPorts = 0;        /* 0: the model's count */
  std::time_t epochStart = 0; /* wall clock at start for LAN timestamps; 0: now */
};

/* What an endpoint answers, before the envelope is written. */
struct ApiAnswer {
  int httpStatus = 200;
  bool success = true;
  bool hasResult = true; /* false: {"success":true} without "result" (empty lists) */
  JsonDoc result;
  std::string errorCode;
  std::string msg;

  static ApiAnswer error(int status, std::string code, std::string message);
};

/* The Internet link: up, down (line cut), or on the 4G backup (boxes with LTE only). */
enum class WanState { Up, Down, Backup };
std::optional<WanState> parseWanState(std::string_view text);

/* Line capacity while on the 4G backup (bits/s); no capture exists, a typical 4G/5G figure. */
constexpr double kBackupBandwidthDown = 300e6, kBackupBandwidthUp = 50e6;

/* Values added to byte counters by the quirks fault: above 2^32 (and 2^33). */
constexpr std::uint64_t kQuirkCounterOffset = std::uint64_t{1} << 33;

class Box {
public:
  Box(ModelSpec model, BoxOptions options);

  const ModelSpec &model() const { return model_; }
  int switchPortCount() const { return static_cast<int>(lan_.ports.size()); }
  const LanPopulation &lan() const { return lan_; }

  /* Lets `seconds` of line time pass. */
  void advance(double seconds);

  /*
   * The answer to GET <api_base_url>v<major>/<path>; path with or without the
   * trailing slash. std::nullopt: no such endpoint (the caller answers 404).
   * quirks: serve the odd-but-real shapes (mac_list {}, rates -1, counters
   * above 2^32, sensors without value).
   */
  std::optional<ApiAnswer> get(std::string_view path, int major, bool quirks) const;

  /* Every monitoring endpoint of this box, canonical spelling (trailing slash). */
  std::vector<std::string> monitoringPaths() const;

  /* Settings reflected in connection/config/. */
  void setHttps(bool available, int port) {
    httpsAvailable_ = available;
    httpsPort_ = port;
  }
  void setAllowTokenRequest(bool allowed) { allowTokenRequest_ = allowed; }

  /* Cuts or restores the line; false if asked for the backup without a 4G module. */
  bool setWanState(WanState state);
  WanState wanState() const { return wan_; }

private:
  struct PortCounters {
    Wander rxRate, txRate;
    Counter rxBytes, txBytes, rxPackets, txPackets, rxErrors, rxFcs;
  };
  struct StationState {
    Wander rxRate, txRate, signal;
    Counter rxBytes, txBytes;
    double connected = 0;
  };
  struct XdslDirection {
    Wander snr10;
    std::map<std::string, Counter> counters;
  };
  struct DiskState {
    std::optional<Wander> temp;
    Counter reads, writes;
    std::vector<Counter> usedBytes; /* per partition */
    std::vector<std::uint64_t> usedAtStart, freeAtStart;
  };

  ApiAnswer connection(bool quirks) const;
  ApiAnswer connectionConfig() const;
  ApiAnswer xdsl() const;
  ApiAnswer ftth() const;
  ApiAnswer lte() const;
  ApiAnswer system(int major, bool quirks) const;
  ApiAnswer switchStatus(bool quirks) const;
  ApiAnswer switchPortStats(int port, bool quirks) const;
  ApiAnswer switchPortConfig(int port) const;
  ApiAnswer lanConfig() const;
  ApiAnswer lanInterfaces() const;
  ApiAnswer lanHosts(std::string_view interface, int major) const;
  ApiAnswer wifiConfig() const;
  ApiAnswer wifiAccessPoints() const;
  ApiAnswer wifiStations(int accessPoint) const;
  ApiAnswer storageDisks() const;

  JsonValue lanHost(const LanDevice &device, int major, JsonAlloc &alloc) const;
  std::int64_t epochNow() const { return static_cast<std::int64_t>(options_.epochStart + elapsed_); }
  int portIndex(int id) const;
  /* The throughput served now (bytes/s): 0 while down, capped by the 4G link on backup. */
  double wanRate(const Wander &rate, bool down) const;

  ModelSpec model_;
  BoxOptions options_;
  Rng rng_;
  LanPopulation lan_;
  double elapsed_ = 0;

  Wander rateDown_, rateUp_;
  Counter bytesDown_, bytesUp_;
  double xdslUptime_ = 0;
  XdslDirection xdslDown_, xdslUp_;
  std::optional<Wander> sfpRx_, sfpTx_;
  std::vector<Wander> lteRsrp_;
  double uptime_ = 0;
  std::vector<std::optional<Wander>> sensors_; /* per system.sensors[]; nullopt: no value */
  std::vector<Wander> fans_;
  std::vector<PortCounters> ports_;
  std::vector<std::optional<StationState>> stations_; /* per lan_.devices index */
  std::vector<DiskState> disks_;

  bool httpsAvailable_ = false;
  int httpsPort_ = 0;
  bool allowTokenRequest_ = true;
  WanState wan_ = WanState::Up;
};

} // namespace fbcqm::freebox::sim

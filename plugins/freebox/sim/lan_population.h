/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Who is on the simulated LAN: switch ports and their link, the devices
 * behind them, the Wi-Fi stations, and hosts seen earlier but gone. Generated
 * once from the model and the seed so the switch mac_list, the Wi-Fi stations
 * and the LAN browser all name the same devices.
 */
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "line_dynamics.h"
#include "model_catalog.h"

namespace fbcqm::freebox::sim {

struct LanDevice {
  std::string mac; /* upper-case, colon-separated */
  std::string hostname;
  std::string hostType; /* LanHost.host_type */
  std::string vendor;
  std::string ipv4;
  bool active = true;
  bool wifi = false;
  int port = 0;                  /* switch port id, 0 if not wired */
  int accessPoint = -1;          /* Wi-Fi AP id, -1 if not on Wi-Fi */
  std::int64_t firstSeenAgo = 0; /* seconds before the simulation started */
  std::int64_t lastSeenAgo = 0;  /* for inactive hosts */
};

struct SwitchPortSpec {
  int id = 0;
  bool up = false;
  int speedMbps = 10;
  bool fullDuplex = false;
  int device = -1; /* index in LanPopulation::devices, -1 if none */

  std::string speed() const { return std::to_string(speedMbps); }
  std::string mode() const;
};

struct LanPopulation {
  std::vector<SwitchPortSpec> ports;
  std::vector<LanDevice> devices;
};

LanPopulation makeLanPopulation(const ModelSpec &model, int switchPorts, Rng &rng);

/* Locally unique MAC-like text for the box's own BSSIDs: base with the last byte replaced. */
std::string macWithLastByte(const std::string &mac, int lastByte);

} // namespace fbcqm::freebox::sim

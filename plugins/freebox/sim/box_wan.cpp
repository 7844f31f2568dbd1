/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The WAN side and the box itself: connection/, xDSL, FTTH, LTE, system/. */
#include "box.h"

#include <cmath>

#include "box_internal.h"

namespace fbcqm::freebox::sim {

using namespace detail;

ApiAnswer Box::connection(bool quirks) const {
  ApiAnswer answer;
  answer.result = copyOf(model_.part("connection"));
  auto &a = answer.result.GetAllocator();
  const std::uint64_t offset = quirks ? kQuirkCounterOffset : 0;
  setMember(answer.result, "rate_down", i64(std::llround(wanRate(rateDown_, true))), a);
  setMember(answer.result, "rate_up", i64(std::llround(wanRate(rateUp_, false))), a);
  if (wan_ == WanState::Down) {
    /* No address and no capacity while the line is down. */
    setMember(answer.result, "state", JsonValue("down"), a);
    removeMember(answer.result, "ipv4");
    removeMember(answer.result, "ipv6");
    setMember(answer.result, "bandwidth_down", u64(0), a);
    setMember(answer.result, "bandwidth_up", u64(0), a);
  } else if (wan_ == WanState::Backup) {
    setMember(answer.result, "media", JsonValue("backup_4g"), a);
    setMember(answer.result, "ipv4", JsonValue(member(member(model_.part("lte"), "network"), "ipv4"), a), a);
    removeMember(answer.result, "ipv6");
    setMember(answer.result, "bandwidth_down", u64(static_cast<std::uint64_t>(kBackupBandwidthDown)), a);
    setMember(answer.result, "bandwidth_up", u64(static_cast<std::uint64_t>(kBackupBandwidthUp)), a);
  }
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
  if (wan_ == WanState::Down)
    setMember(answer.result["status"], "status", JsonValue("down"), a);
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
  if (wan_ != WanState::Up) {
    setMember(answer.result, "link", JsonValue(false), a);
    setMember(answer.result, "sfp_has_signal", JsonValue(false), a);
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
    /* Current format: sensors[] and fans[] (Freebox OS API v8 and later). */
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

} // namespace fbcqm::freebox::sim

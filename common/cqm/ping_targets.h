/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Ping targets as text, and the wanted-targets record of a CQM store
 * (PING-TARGETS.md).
 *
 * One target per line, the FireBrick bulk-list syntax:
 *     GraphName,IP/Hostname[#table][+size]
 * used both for the bulk list a PingURL serves and for the record
 * DIR/ping-targets that cqm-exporter's /ping writes and cqm_ping follows.
 * Plain C++, no collectd: the exporter and the plugin share it.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace fbcqm::cqm {

/* Bounds of every field: nothing longer or larger is accepted from a list, a record or a request. */
constexpr std::size_t kMaxHostLength = 253; /* a DNS name; IPv6 literals with a zone fit too */
constexpr std::size_t kMaxTargetLineLength = 512;
constexpr std::uint32_t kMaxTable = 0x7fffffff;
constexpr std::uint32_t kMinPingSize = 16; /* room for the echo's own marker, token and sequence */
constexpr std::uint32_t kMaxPingSize = 9000;
constexpr std::uint32_t kDefaultPingSize = 56; /* as ping(8) and collectd's ping plugin */
/* The record and a bulk list hold at most this many targets (well above any MaxTargets in use). */
constexpr std::size_t kMaxListedTargets = 1000000;
constexpr std::size_t kMaxTargetListBytes = kMaxListedTargets * 64;

struct PingTarget {
  std::string graph; /* obeys cqm/graph_name.h */
  std::string host;  /* IP literal or host name */
  std::uint32_t table = 0;
  std::uint32_t size = kDefaultPingSize;

  bool operator==(const PingTarget &other) const {
    return graph == other.graph && host == other.host && table == other.table && size == other.size;
  }
  bool operator!=(const PingTarget &other) const { return !(*this == other); }
};

/* A table or size as text: decimal digits only, at most 10 of them; nullopt otherwise. */
std::optional<std::int64_t> parsePingNumber(std::string_view text);

/* Checks of single fields; each returns an explanation, or nullopt when the value is good. */
std::optional<std::string> checkPingHost(std::string_view host);
std::optional<std::string> checkPingTable(std::int64_t table);
std::optional<std::string> checkPingSize(std::int64_t size);

/* A graph name as given (FireBrick rule applied); an error when nothing usable is left. */
fbcqm::Result<std::string, std::string> pingGraphName(std::string_view given);

/* Parses one line "GraphName,IP/Hostname[#table][+size]" (no line end). */
fbcqm::Result<PingTarget, std::string> parseTargetLine(std::string_view line);

/* The line for a target; table and size written only when not the defaults. */
std::string formatTargetLine(const PingTarget &target);

struct TargetListProblem {
  std::size_t lineNumber;
  std::string message;
};

struct ParsedTargetList {
  std::vector<PingTarget> targets; /* in list order, one per graph (a later line for a graph replaces it) */
  std::vector<TargetListProblem> problems;
};

/*
 * Parses a whole list: blank lines and lines starting with '#' are skipped,
 * bad lines reported and skipped, CR LF accepted. A list longer than
 * kMaxTargetListBytes or kMaxListedTargets is cut there and reported.
 */
ParsedTargetList parseTargetList(std::string_view text);

/* ---- the wanted-targets record of a store directory ---------------------- */

constexpr char kPingTargetsFile[] = "ping-targets";
constexpr char kPingTargetsHeader[] = "# freebox-cqm ping targets 1";

/* True for DIR/ping-targets and the temporary and lock files made beside it. */
bool isPingTargetsFileName(std::string_view name);

struct PingTargetsRecord {
  std::vector<PingTarget> targets;
  /* File identity, to notice a new version without reading it (0 when there is no record). */
  std::uint64_t device = 0, inode = 0, size = 0;
  std::int64_t mtimeNs = 0;
};

/*
 * Reads DIR/ping-targets. A missing record is an empty list. A record whose
 * header is wrong, that is too large, or has any bad line is an error as a
 * whole (the caller keeps what it had): the record is only ever written
 * whole by writePingTargets, so a bad one means damage or a foreign file.
 */
fbcqm::Result<PingTargetsRecord, std::string> readPingTargets(const std::string &storeDir);

/* Identity of DIR/ping-targets without reading it; all zero when missing. */
PingTargetsRecord statPingTargets(const std::string &storeDir);

/*
 * Writes DIR/ping-targets atomically: a temporary file beside it, fsync,
 * rename, fsync of the directory; mode 0644. Creates DIR (one level) when
 * missing, as the store writer would.
 */
fbcqm::Result<bool, std::string> writePingTargets(const std::string &storeDir, const std::vector<PingTarget> &targets);

/*
 * Serialises read-modify-write cycles of the record between processes (an
 * exclusive flock on DIR/ping-targets.lock, held while the object lives).
 */
class PingTargetsLock {
public:
  static fbcqm::Result<PingTargetsLock, std::string> take(const std::string &storeDir);
  PingTargetsLock(PingTargetsLock &&other) noexcept;
  PingTargetsLock &operator=(PingTargetsLock &&other) noexcept;
  PingTargetsLock(const PingTargetsLock &) = delete;
  PingTargetsLock &operator=(const PingTargetsLock &) = delete;
  ~PingTargetsLock();

private:
  explicit PingTargetsLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

} // namespace fbcqm::cqm

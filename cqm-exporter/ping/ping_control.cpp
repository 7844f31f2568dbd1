/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "ping/ping_control.h"

#include "request/percent_decoding.h"

namespace fbcqm::exporter {

namespace {

fbcqm::Result<bool, std::string> addFields(std::string_view form, PingForm &out) {
  while (!form.empty()) {
    const std::size_t amp = form.find('&');
    const std::string_view pair = form.substr(0, amp);
    form = amp == std::string_view::npos ? std::string_view() : form.substr(amp + 1);
    if (pair.empty())
      continue;
    const std::size_t eq = pair.find('=');
    auto key = percentDecode(pair.substr(0, eq), PlusMeans::Space);
    auto value =
        percentDecode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), PlusMeans::Space);
    if (!key.ok())
      return fbcqm::fail("bad field name: " + key.error());
    if (!value.ok())
      return fbcqm::fail("bad value of " + key.value() + ": " + value.error());
    std::optional<std::string> *slot = nullptr;
    if (key.value() == "graph")
      slot = &out.graph;
    else if (key.value() == "ip")
      slot = &out.ip;
    else if (key.value() == "table")
      slot = &out.table;
    else if (key.value() == "size")
      slot = &out.size;
    if (!slot)
      continue;
    if (slot->has_value())
      return fbcqm::fail("field " + key.value() + " given twice");
    *slot = value.value();
  }
  return true;
}

} // namespace

fbcqm::Result<PingForm, std::string> parsePingForm(std::string_view query, std::string_view body) {
  if (query.size() > kMaxPingFormBytes || body.size() > kMaxPingFormBytes)
    return fbcqm::fail("form longer than " + std::to_string(kMaxPingFormBytes) + " bytes");
  PingForm form;
  for (std::string_view part : {query, body}) {
    auto added = addFields(part, form);
    if (!added.ok())
      return fbcqm::fail(added.error());
  }
  return form;
}

fbcqm::Result<PingCommand, std::string> pingCommandOf(const PingForm &form) {
  if (!form.graph || form.graph->empty())
    return fbcqm::fail(std::string("missing graph"));
  auto graph = cqm::pingGraphName(*form.graph);
  if (!graph.ok())
    return fbcqm::fail(graph.error());
  PingCommand command;
  command.graph = graph.value();
  /* An empty ip= is how a web form says "no address": stop, as without the field. */
  if (!form.ip || form.ip->empty()) {
    if ((form.table && !form.table->empty()) || (form.size && !form.size->empty()))
      return fbcqm::fail(std::string("table or size without ip (to stop a ping send graph alone)"));
    return command;
  }
  cqm::PingTarget target;
  target.graph = command.graph;
  if (auto problem = cqm::checkPingHost(*form.ip))
    return fbcqm::fail("ip: " + *problem);
  target.host = *form.ip;
  if (form.table && !form.table->empty()) {
    auto table = cqm::parsePingNumber(*form.table);
    if (!table)
      return fbcqm::fail(std::string("table is not a whole number"));
    if (auto problem = cqm::checkPingTable(*table))
      return fbcqm::fail(*problem);
    target.table = static_cast<std::uint32_t>(*table);
  }
  if (form.size && !form.size->empty()) {
    auto size = cqm::parsePingNumber(*form.size);
    if (!size)
      return fbcqm::fail(std::string("size is not a whole number"));
    if (auto problem = cqm::checkPingSize(*size))
      return fbcqm::fail(*problem);
    target.size = static_cast<std::uint32_t>(*size);
  }
  command.target = std::move(target);
  return command;
}

PingReply applyPingCommand(const PingControlOptions &options, const PingCommand &command) {
  auto lock = cqm::PingTargetsLock::take(options.storeDir);
  if (!lock.ok())
    return {500, "cannot record the ping: " + lock.error()};
  auto record = cqm::readPingTargets(options.storeDir);
  if (!record.ok())
    return {500, "cannot read the ping targets: " + record.error()};
  std::vector<cqm::PingTarget> targets = std::move(record.value().targets);
  auto found = targets.begin();
  while (found != targets.end() && found->graph != command.graph)
    ++found;

  std::string text;
  if (!command.target) {
    if (found == targets.end())
      return {200, "graph " + command.graph + " was not pinged"};
    targets.erase(found);
    text = "stopped ping of graph " + command.graph;
  } else if (found != targets.end()) {
    if (*found == *command.target)
      return {200, "graph " + command.graph + " already pings " + cqm::formatTargetLine(*command.target)};
    *found = *command.target;
    text = "graph " + command.graph + " now pings " + cqm::formatTargetLine(*command.target);
  } else {
    if (targets.size() >= options.maxTargets)
      return {503, "too many pings: MaxTargets " + std::to_string(options.maxTargets) + " reached"};
    targets.push_back(*command.target);
    text = "started ping " + cqm::formatTargetLine(*command.target);
  }
  auto written = cqm::writePingTargets(options.storeDir, targets);
  if (!written.ok())
    return {500, "cannot record the ping: " + written.error()};
  return {200, text};
}

PingReply handlePingRequest(const PingControlOptions &options, std::string_view query, std::string_view body) {
  auto form = parsePingForm(query, body);
  if (!form.ok())
    return {400, form.error()};
  auto command = pingCommandOf(form.value());
  if (!command.ok())
    return {400, command.error()};
  return applyPingCommand(options, command.value());
}

} // namespace fbcqm::exporter

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * XML data, described by the XSD shipped as cqm-exporter/xml/cqm-data.xsd:
 *   <cqm xmlns="urn:freebox-cqm:cqm-data:1">
 *     <graph name="NAME" kind="both">
 *       <sample time="2026-09-28T11:25:00Z" local-time="2026-09-28 12:25:00" period="100"
 *               sent-polls="100" lost-polls="0" min-latency-ns=".." ave-latency-ns=".."
 *               max-latency-ns=".." ave-rx-bps=".." ave-tx-bps=".." score="0"/>
 *     </graph>
 *   </cqm>
 * One graph per document for NAME.xml, every graph for *.xml. The list of
 * graphs (.xml with no name) has <graph name=".." score=".."/> elements with
 * no samples. Absent values (data_format.h) are absent attributes.
 */
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cqm/sample.h"
#include "formats/text_table.h"
#include "scores/score_rules.h"

namespace fbcqm::exporter {

/* A document is xmlDocumentStart(), then appendXmlGraph() per graph, then xmlDocumentEnd(); *.xml streams them. */
const char *xmlDocumentStart();
const char *xmlDocumentEnd();
void appendXmlGraph(std::string &out, std::string_view name, cqm::GraphKind kind,
                    const std::vector<cqm::Sample> &samples, const ScoreRules &rules);

/* One graph's whole document (NAME.xml). */
std::string xmlOfGraph(std::string_view name, cqm::GraphKind kind, const std::vector<cqm::Sample> &samples,
                       const ScoreRules &rules);

std::string xmlOfList(const std::vector<GraphScore> &graphs);

} // namespace fbcqm::exporter

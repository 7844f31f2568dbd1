/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "formats/index_page.h"

#include "text/xml_text.h"

namespace fbcqm::exporter {

namespace {

/* No links besides the graphs: a mirroring wget follows every link, and must fetch one file per graph. */
constexpr const char *kExplanation = R"(<p>CQM graphs of the last 24 to 25 hours, or of a date:
<code>/cqm/[HASH/][YYYY-MM-DD[/HH[-HH]]/][OPTIONS/][EXT/]NAME.EXT</code>.</p>
<ul>
<li>EXT: <code>png</code>, <code>svg</code> (graphs), <code>csv</code>, <code>tsv</code>, <code>txt</code>,
<code>xml</code>, <code>json</code> (data). An <code>EXT/</code> directory lists the graphs as links of that type,
e.g. <code>csv/</code>, <code>json/</code>.</li>
<li>Graph options, in the path (<code>/</code>-separated) or the query (<code>&amp;</code>-separated), applied in
order: data points <code>M A X U D S F O</code> (bare or <code>=colour</code>), text <code>z Z C c N n H h</code>,
spacing <code>L R T B</code>, colours <code>I i g G W</code>, SVG <code>s=URL t</code>. Unknown options are ignored.</li>
<li>Lists: <code>.csv</code>, <code>.tsv</code>, <code>.txt</code>, <code>.json</code> (graph and total score),
<code>.xml</code>, <code>*.xml</code> (every graph's data in one document).</li>
</ul>
)";

} // namespace

std::string indexPage(std::string_view systemName, std::string_view linkExtension,
                      const std::vector<std::string> &graphNames) {
  const std::string title = text::xmlEscaped(systemName) + " CQM graphs";
  const std::string extension = text::xmlEscaped(linkExtension);
  std::string out;
  out.reserve(2048 + graphNames.size() * (2 * 20 + 40));
  out += "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>";
  out += title;
  out += "</title></head><body>\n<h1>";
  out += title;
  out += "</h1>\n";
  out += kExplanation;
  out += "<ul class=\"graphs\">\n";
  /* Graph names are HTML-safe (graph_name.h): letters, digits, '@', '-' and '.'. */
  for (const std::string &name : graphNames) {
    out += "<li><a href=\"./";
    out += name;
    out.push_back('.');
    out += extension;
    out += "\">";
    out += name;
    out += "</a></li>\n";
  }
  out += "</ul>\n</body></html>\n";
  return out;
}

} // namespace fbcqm::exporter

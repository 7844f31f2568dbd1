/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "server/image_hook.h"

namespace fbcqm::exporter {

http::ServerReply renderImage(const ImageJob &) {
  http::ServerReply reply;
  reply.status = 501;
  reply.body = "graph images are not available in this build; use csv, tsv, txt, xml or json\n";
  return reply;
}

} // namespace fbcqm::exporter

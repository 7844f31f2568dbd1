/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Images through CqmService with a real store: drawn once and then sent from
 * the answer cache (the same shared buffer), keyed by their display options,
 * drawn again when the graph changes, and If-Modified-Since answered with 304.
 * What curl and wget see of it over a socket: tests/integration/test_exporter_graphs.py.
 */
#include <catch2/catch.hpp>

#include <chrono>
#include <ctime>
#include <thread>

#include "access/access_policy.h"
#include "cqm/store/store_writer.h"
#include "server/cqm_service.h"
#include "server/http_date.h"
#include "temp_dir.h"

using namespace fbcqm::exporter;
using fbcqm::cqm::Sample;

namespace {

Sample sampleAt(std::int64_t index, std::uint32_t failed) {
  Sample sample;
  sample.index = index;
  sample.pollsSent = 100;
  sample.pollsFailed = failed;
  sample.latencyMinNs = 5000000;
  sample.latencyAvgNs = 6000000;
  sample.latencyMaxNs = 9000000;
  return sample;
}

struct Fixture {
  fbcqm::test::TempDir dir{"exporter-image-answers"};
  std::string store = dir.path() + "/store";
  std::unique_ptr<fbcqm::cqm::StoreWriter> writer;
  std::unique_ptr<access::AccessPolicy> policy;
  std::unique_ptr<WorkGate> gate;
  std::unique_ptr<CqmService> service;
  std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));

  Fixture() {
    fbcqm::cqm::StoreOptions options;
    options.dir = store;
    auto opened = fbcqm::cqm::StoreWriter::open(options);
    REQUIRE(opened);
    writer = std::move(opened.value());
    auto trusted = access::TrustedNetworks::parse({"127.0.0.1/32"});
    REQUIRE(trusted);
    policy = std::make_unique<access::AccessPolicy>(access::AccessSettings{"", trusted.value()}, nullptr);
    gate = std::make_unique<WorkGate>(WorkGate::Limits{1, 4, std::chrono::milliseconds(1000)});
  }

  void write(std::int64_t index, std::uint32_t failed) {
    REQUIRE(writer->write("line", fbcqm::cqm::GraphKind::LossLatency, sampleAt(index, failed)));
  }

  void startService() {
    auto reader = fbcqm::cqm::StoreReader::open(store);
    REQUIRE(reader);
    /* The service's clock runs 10 s ahead: the graph counts as quiet (written 2 s ago or more). */
    service = std::make_unique<CqmService>(reader.value(), CqmServiceSettings{"test", {}, 1u << 20}, *policy, *gate,
                                           [this] { return now + 10; });
  }

  fbcqm::http::ServerReply get(const std::string &target, const std::string &since = "") {
    fbcqm::http::ServerRequest request;
    request.method = "GET";
    request.rawTarget = target;
    request.path = target.substr(0, target.find('?'));
    request.peerAddress = "127.0.0.1";
    if (!since.empty())
      request.headers.emplace_back("If-Modified-Since", since);
    RequestNote note;
    return service->handle(request, note);
  }
};

std::string headerOf(const fbcqm::http::ServerReply &reply, const std::string &name) {
  for (const auto &[key, value] : reply.headers)
    if (key == name)
      return value;
  return "";
}

} // namespace

TEST_CASE("an image is drawn once, then sent from the answer cache until its graph changes") {
  Fixture f;
  const std::int64_t latest = fbcqm::cqm::sampleIndex(f.now) - 1;
  for (std::int64_t i = latest - 20; i <= latest - 10; ++i)
    f.write(i, 0);
  f.startService();

  for (const std::string extension : {"png", "svg"}) {
    const std::string url = "/cqm/line." + extension + "?H=cached";
    const auto first = f.get(url);
    REQUIRE(first.status == 200);
    REQUIRE(first.sharedBody);
    CHECK(first.contentType == (extension == "png" ? "image/png" : "image/svg+xml"));
    const auto again = f.get(url);
    REQUIRE(again.sharedBody);
    CHECK(again.sharedBody.get() == first.sharedBody.get()); /* the very same bytes: not drawn again */

    /* Other options are another picture, never the cached one. */
    const auto other = f.get("/cqm/line." + extension + "?H=other");
    REQUIRE(other.sharedBody);
    CHECK(other.sharedBody.get() != first.sharedBody.get());
    CHECK(*other.sharedBody != *first.sharedBody);
  }

  /* A new sample changes the graph's state: the image is drawn again (within the cache's 1 s of trust). */
  const auto before = f.get("/cqm/line.png?H=cached");
  f.write(latest - 5, 50);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  std::shared_ptr<const std::string> after;
  do {
    after = f.get("/cqm/line.png?H=cached").sharedBody;
    REQUIRE(after);
    if (after.get() != before.sharedBody.get())
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50)); /* polling, bounded by the deadline */
  } while (std::chrono::steady_clock::now() < deadline);
  CHECK(after.get() != before.sharedBody.get());
  CHECK(*after != *before.sharedBody);
}

TEST_CASE("If-Modified-Since: 304 for a dated day and the live graph, without a body") {
  Fixture f;
  const std::int64_t latest = fbcqm::cqm::sampleIndex(f.now) - 1;
  for (std::int64_t i = latest - 1000; i <= latest; ++i)
    f.write(i, i % 7 == 0 ? 10 : 0);
  f.startService();

  /* The live graph: the end of the latest complete sample of the service's clock. */
  const auto live = f.get("/cqm/line.png");
  REQUIRE(live.status == 200);
  const std::string liveModified = headerOf(live, "Last-Modified");
  CHECK(liveModified == httpDate(fbcqm::cqm::sampleStart(fbcqm::cqm::sampleIndex(f.now + 10))));
  const auto liveAgain = f.get("/cqm/line.png", liveModified);
  CHECK(liveAgain.status == 304);
  CHECK(!liveAgain.sharedBody);
  CHECK(liveAgain.body.empty());
  CHECK(f.get("/cqm/line.png", httpDate(fbcqm::cqm::sampleStart(fbcqm::cqm::sampleIndex(f.now + 10)) - 1)).status ==
        200);

  /* Yesterday (a complete day): the end of its newest sample; not drawn when the client has it. */
  const std::int64_t dayStart = f.now - 86400;
  const fbcqm::cqm::LocalDate day = fbcqm::cqm::localDateOf(dayStart);
  char date[16];
  std::snprintf(date, sizeof date, "%04d-%02d-%02d", day.year, day.month, day.day);
  const std::string url = std::string("/cqm/") + date + "/line.svg";
  const auto uncached = f.get(url, "Sun, 06 Nov 2050 08:49:37 GMT");
  CHECK(uncached.status == 304);
  const auto full = f.get(url);
  REQUIRE(full.status == 200);
  const std::string modified = headerOf(full, "Last-Modified");
  REQUIRE(!modified.empty());
  CHECK(f.get(url, modified).status == 304);
  CHECK(f.get(url, "Sun, 06 Nov 1994 08:49:37 GMT").status == 200);
}

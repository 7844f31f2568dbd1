/* SPDX-License-Identifier: GPL-2.0-or-later */
/* HTTP client against a loopback server: keep-alive, timeouts, size cap, status, TLS with a private CA. */
#include <catch2/catch.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>

#include "http/http_client.h"
#include "http/http_server.h"
#include "test_files.h"

using namespace std::chrono_literals;
using fbcqm::http::Client;
using fbcqm::http::ClientOptions;
using fbcqm::http::ErrorKind;
using fbcqm::http::Server;
using fbcqm::http::ServerOptions;
using fbcqm::http::ServerReply;
using fbcqm::http::ServerRequest;

namespace {

/* Lets a handler block until the test has seen what it wanted, without fixed sleeps. */
class Gate {
public:
  void open() {
    std::lock_guard<std::mutex> lock(mutex_);
    open_ = true;
    cv_.notify_all();
  }
  void waitAtMost(std::chrono::milliseconds limit) {
    std::unique_lock<std::mutex> lock(mutex_);
    cv_.wait_for(lock, limit, [this] { return open_; });
  }

private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool open_ = false;
};

ServerReply route(const ServerRequest &request, Gate &gate) {
  if (request.path == "/ok")
    return ServerReply{200, "application/json", R"({"success":true})", {}};
  if (request.path == "/echo")
    return ServerReply{200,
                       "text/plain",
                       request.method + " " + request.body + " " + request.header("X-Fbx-App-Auth") + " " +
                           request.queryValue("q"),
                       {}};
  if (request.path == "/forbidden")
    return ServerReply{403, "application/json", R"({"success":false,"error_code":"auth_required"})", {}};
  if (request.path == "/big")
    return ServerReply{200, "application/octet-stream", std::string(2 * 1024 * 1024, 'x'), {}};
  if (request.path == "/hang") {
    gate.waitAtMost(10s);
    return ServerReply{200, "text/plain", "late", {}};
  }
  return ServerReply{404, "text/plain", "not found", {}};
}

std::unique_ptr<Server> startServer(Gate &gate, bool tls = false) {
  ServerOptions options;
  if (tls) {
    options.tlsCertPem = fbcqm::test::readFile(fbcqm::test::pkiFile("server.pem"));
    options.tlsKeyPem = fbcqm::test::readFile(fbcqm::test::pkiFile("server-key.pem"));
  }
  auto server = Server::start(options, [&gate](const ServerRequest &request) { return route(request, gate); });
  REQUIRE(server.ok());
  return std::move(server).value();
}

} // namespace

TEST_CASE("GET and POST against a loopback server", "[http]") {
  Gate gate;
  auto server = startServer(gate);
  Client client;
  auto ok = client.get(server->baseUrl() + "/ok");
  REQUIRE(ok.ok());
  CHECK(ok->status == 200);
  CHECK(ok->body == R"({"success":true})");
  CHECK(ok->contentType == "application/json");

  auto echo =
      client.post(server->baseUrl() + "/echo?q=a%20b", R"({"x":1})", "application/json", {"X-Fbx-App-Auth: token123"});
  REQUIRE(echo.ok());
  CHECK(echo->body == R"(POST {"x":1} token123 a b)");
  gate.open();
}

TEST_CASE("consecutive requests reuse one connection", "[http]") {
  Gate gate;
  auto server = startServer(gate);
  Client client;
  for (int i = 0; i < 5; ++i)
    REQUIRE(client.get(server->baseUrl() + "/ok").ok());
  CHECK(server->connectionsAccepted() == 1);
  /* A second client is a second connection. */
  Client other;
  REQUIRE(other.get(server->baseUrl() + "/ok").ok());
  CHECK(server->connectionsAccepted() == 2);
  gate.open();
}

TEST_CASE("HTTP error status keeps the body for the caller", "[http]") {
  Gate gate;
  auto server = startServer(gate);
  Client client;
  auto result = client.get(server->baseUrl() + "/forbidden");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().kind == ErrorKind::HttpStatus);
  CHECK(result.error().status == 403);
  CHECK(result.error().body.find("auth_required") != std::string::npos);
  CHECK(result.error().message() == "HTTP error status 403");
  auto missing = client.get(server->baseUrl() + "/nothing-here");
  CHECK(missing.error().status == 404);
  gate.open();
}

TEST_CASE("a server that hangs hits the total timeout", "[http]") {
  Gate gate;
  auto server = startServer(gate);
  ClientOptions options;
  options.totalTimeout = 300ms;
  Client client(options);
  const auto start = std::chrono::steady_clock::now();
  auto result = client.get(server->baseUrl() + "/hang");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  gate.open();
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().kind == ErrorKind::Timeout);
  CHECK(elapsed < 5s); /* returned on the timeout, not when the server gave up */
  /* The same client works again afterwards. */
  CHECK(client.get(server->baseUrl() + "/ok").ok());
}

TEST_CASE("a per-call budget cuts one request short of the client's timeout", "[http]") {
  Gate gate;
  auto server = startServer(gate);
  ClientOptions options;
  options.totalTimeout = 10s; /* far above the budget: the budget must be what ends the call */
  Client client(options);
  const auto start = std::chrono::steady_clock::now();
  auto result = client.get(server->baseUrl() + "/hang", {}, 200ms);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  gate.open();
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().kind == ErrorKind::Timeout);
  CHECK(elapsed >= 150ms);
  CHECK(elapsed < 2s);
  /* The budget was for that call only. */
  auto echo = client.post(server->baseUrl() + "/echo", "b", "text/plain", {}, 5s);
  REQUIRE(echo.ok());
  CHECK(echo.value().body.rfind("POST b", 0) == 0);
}

TEST_CASE("an exhausted budget fails at once without contacting the server", "[http]") {
  Gate gate;
  auto server = startServer(gate);
  Client client;
  for (auto budget : {0ms, -5ms}) {
    auto result = client.get(server->baseUrl() + "/ok", {}, budget);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().kind == ErrorKind::Timeout);
  }
  CHECK(server->connectionsAccepted() == 0);
  gate.open();
}

TEST_CASE("responses above the size cap are refused", "[http]") {
  Gate gate;
  auto server = startServer(gate);
  ClientOptions options;
  options.maxResponseBytes = 1024 * 1024;
  Client client(options);
  auto result = client.get(server->baseUrl() + "/big");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().kind == ErrorKind::TooLarge);
  options.maxResponseBytes = 4 * 1024 * 1024;
  Client bigger(options);
  auto fits = bigger.get(server->baseUrl() + "/big");
  REQUIRE(fits.ok());
  CHECK(fits->body.size() == 2u * 1024 * 1024);
  gate.open();
}

TEST_CASE("connection refused and bad URLs are distinct errors", "[http]") {
  std::string closedUrl;
  {
    Gate gate;
    auto server = startServer(gate);
    closedUrl = server->baseUrl() + "/ok";
    gate.open();
  } /* server stopped: its port is now closed */
  Client client;
  auto refused = client.get(closedUrl);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().kind == ErrorKind::Connect);

  CHECK(client.get("ftp://127.0.0.1/file").error().kind == ErrorKind::InvalidUrl);
  CHECK(client.get("http://[::1/").error().kind == ErrorKind::InvalidUrl);
  CHECK(client.get("not a url").error().kind != ErrorKind::HttpStatus);
}

TEST_CASE("TLS with a private CA", "[http][tls]") {
  Gate gate;
  auto server = startServer(gate, true);
  const std::string url = server->baseUrl() + "/ok";
  REQUIRE(url.rfind("https://127.0.0.1:", 0) == 0);

  SECTION("CA from a file") {
    ClientOptions options;
    options.caFile = fbcqm::test::pkiFile("ca.pem");
    Client client(options);
    auto result = client.get(url);
    REQUIRE(result.ok());
    CHECK(result->body == R"({"success":true})");
  }
  SECTION("CA from memory") {
    ClientOptions options;
    options.caPem = fbcqm::test::readFile(fbcqm::test::pkiFile("ca.pem"));
    Client client(options);
    CHECK(client.get(url).ok());
  }
  SECTION("an untrusted certificate is refused") {
    ClientOptions options;
    options.caPem = fbcqm::test::readFile(fbcqm::test::pkiFile("other-ca.pem"));
    Client client(options);
    auto result = client.get(url);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().kind == ErrorKind::Tls);
  }
  SECTION("verification can be switched off explicitly") {
    ClientOptions options;
    options.caPem = fbcqm::test::readFile(fbcqm::test::pkiFile("other-ca.pem"));
    options.verifyPeer = false;
    Client client(options);
    CHECK(client.get(url).ok());
  }
  gate.open();
}

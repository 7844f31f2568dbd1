/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "http/http_server.h"

#include <strings.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

#include <microhttpd.h>

namespace fbcqm::http {

namespace {

struct RequestState {
  std::string body;
  bool tooLarge = false;
};

MHD_Result collectPair(void *cls, MHD_ValueKind, const char *key, const char *value) {
  auto *out = static_cast<KeyValues *>(cls);
  out->emplace_back(key ? key : "", value ? value : "");
  return MHD_YES;
}

std::string peerAddressOf(MHD_Connection *connection) {
  const MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (!info || !info->client_addr)
    return "";
  char text[INET6_ADDRSTRLEN] = {};
  const sockaddr *address = info->client_addr;
  if (address->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in *>(address)->sin_addr, text, sizeof text);
  } else if (address->sa_family == AF_INET6) {
    const auto *v6 = reinterpret_cast<const sockaddr_in6 *>(address);
    /* Report IPv4-mapped peers of a dual-stack socket as plain IPv4. */
    if (IN6_IS_ADDR_V4MAPPED(&v6->sin6_addr))
      inet_ntop(AF_INET, &v6->sin6_addr.s6_addr[12], text, sizeof text);
    else
      inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
  }
  return text;
}

MHD_Result sendReply(MHD_Connection *connection, const ServerReply &reply) {
  MHD_Response *response =
      MHD_create_response_from_buffer(reply.body.size(), const_cast<char *>(reply.body.data()), MHD_RESPMEM_MUST_COPY);
  if (!response)
    return MHD_NO;
  MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, reply.contentType.c_str());
  for (const auto &[name, value] : reply.headers)
    MHD_add_response_header(response, name.c_str(), value.c_str());
  const MHD_Result result = MHD_queue_response(connection, static_cast<unsigned>(reply.status), response);
  MHD_destroy_response(response);
  return result;
}

} // namespace

std::string ServerRequest::header(const std::string &name) const {
  for (const auto &[key, value] : headers)
    if (strcasecmp(key.c_str(), name.c_str()) == 0)
      return value;
  return "";
}

std::string ServerRequest::queryValue(const std::string &name) const {
  for (const auto &[key, value] : query)
    if (key == name)
      return value;
  return "";
}

struct Server::Impl {
  static MHD_Result access(void *cls, MHD_Connection *connection, const char *url, const char *method, const char *,
                           const char *uploadData, size_t *uploadSize, void **connectionState) {
    auto *server = static_cast<Server *>(cls);
    auto *state = static_cast<RequestState *>(*connectionState);
    if (!state) {
      /* First call: headers only. */
      *connectionState = state = new (std::nothrow) RequestState();
      return state ? MHD_YES : MHD_NO;
    }
    if (*uploadSize != 0) {
      if (state->body.size() + *uploadSize > server->options_.maxBodyBytes)
        state->tooLarge = true;
      else
        state->body.append(uploadData, *uploadSize);
      *uploadSize = 0;
      return MHD_YES;
    }
    if (state->tooLarge) {
      ServerReply reply;
      reply.status = 413;
      reply.body = "request body too large\n";
      return sendReply(connection, reply);
    }
    ServerReply reply;
    try {
      ServerRequest request;
      request.method = method;
      request.path = url;
      request.body = std::move(state->body);
      MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, collectPair, &request.query);
      MHD_get_connection_values(connection, MHD_HEADER_KIND, collectPair, &request.headers);
      request.peerAddress = peerAddressOf(connection);
      reply = server->handler_(request);
    } catch (const std::exception &e) {
      reply = ServerReply{500, "text/plain; charset=utf-8", std::string("internal error: ") + e.what() + "\n", {}};
    } catch (...) {
      reply = ServerReply{500, "text/plain; charset=utf-8", "internal error\n", {}};
    }
    return sendReply(connection, reply);
  }

  static void completed(void *, MHD_Connection *, void **connectionState, MHD_RequestTerminationCode) {
    delete static_cast<RequestState *>(*connectionState);
    *connectionState = nullptr;
  }

  static void connectionNotify(void *cls, MHD_Connection *, void **, MHD_ConnectionNotificationCode code) {
    if (code == MHD_CONNECTION_NOTIFY_STARTED)
      static_cast<Server *>(cls)->connections_.fetch_add(1);
  }
};

Server::Server(ServerOptions options, Handler handler) : options_(std::move(options)), handler_(std::move(handler)) {}

Server::~Server() { stop(); }

void Server::stop() {
  if (daemon_) {
    MHD_stop_daemon(static_cast<MHD_Daemon *>(daemon_));
    daemon_ = nullptr;
  }
}

std::string Server::baseUrl() const {
  const bool v6 = options_.bindAddress.find(':') != std::string::npos;
  const std::string host = v6 ? "[" + options_.bindAddress + "]" : options_.bindAddress;
  return std::string(tls() ? "https://" : "http://") + host + ":" + std::to_string(port_);
}

fbcqm::Result<std::unique_ptr<Server>, std::string> Server::start(ServerOptions options, Handler handler) {
  sockaddr_storage address{};
  auto *v4 = reinterpret_cast<sockaddr_in *>(&address);
  auto *v6 = reinterpret_cast<sockaddr_in6 *>(&address);
  unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
  if (inet_pton(AF_INET, options.bindAddress.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(options.port);
  } else if (inet_pton(AF_INET6, options.bindAddress.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(options.port);
    flags |= MHD_USE_IPv6;
  } else {
    return fail("invalid listen address '" + options.bindAddress + "' (expected an IPv4 or IPv6 literal)");
  }
  const bool useTls = !options.tlsCertPem.empty() || !options.tlsKeyPem.empty();
  if (useTls) {
    if (options.tlsCertPem.empty() || options.tlsKeyPem.empty())
      return fail(std::string("TLS needs both a certificate and a key"));
    if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
      return fail(std::string("this libmicrohttpd was built without TLS support"));
    flags |= MHD_USE_TLS;
  }

  std::unique_ptr<Server> server(new Server(std::move(options), std::move(handler)));
  const ServerOptions &o = server->options_;
  MHD_Daemon *daemon = nullptr;
  if (useTls) {
    daemon =
        MHD_start_daemon(flags, o.port, nullptr, nullptr, &Impl::access, server.get(), MHD_OPTION_SOCK_ADDR, &address,
                         MHD_OPTION_NOTIFY_COMPLETED, &Impl::completed, nullptr, MHD_OPTION_NOTIFY_CONNECTION,
                         &Impl::connectionNotify, server.get(), MHD_OPTION_CONNECTION_LIMIT, o.connectionLimit,
                         MHD_OPTION_CONNECTION_TIMEOUT, o.idleTimeoutSeconds, MHD_OPTION_HTTPS_MEM_CERT,
                         o.tlsCertPem.c_str(), MHD_OPTION_HTTPS_MEM_KEY, o.tlsKeyPem.c_str(), MHD_OPTION_END);
  } else {
    daemon =
        MHD_start_daemon(flags, o.port, nullptr, nullptr, &Impl::access, server.get(), MHD_OPTION_SOCK_ADDR, &address,
                         MHD_OPTION_NOTIFY_COMPLETED, &Impl::completed, nullptr, MHD_OPTION_NOTIFY_CONNECTION,
                         &Impl::connectionNotify, server.get(), MHD_OPTION_CONNECTION_LIMIT, o.connectionLimit,
                         MHD_OPTION_CONNECTION_TIMEOUT, o.idleTimeoutSeconds, MHD_OPTION_END);
  }
  if (!daemon)
    return fail("cannot listen on " + o.bindAddress + ":" + std::to_string(o.port) + ": " + std::strerror(errno));
  server->daemon_ = daemon;
  const MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
  server->port_ = info ? info->port : o.port;
  return server;
}

} // namespace fbcqm::http

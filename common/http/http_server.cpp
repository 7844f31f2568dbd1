/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "http/http_server.h"

#include <strings.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include <microhttpd.h>

namespace fbcqm::http {

namespace {

struct RequestState {
  std::string rawTarget;
  bool headersSeen = false;
  std::string body;
  bool tooLarge = false;
};

/* Pulls a streamed body into libmicrohttpd's buffer, keeping what did not fit for the next call. */
struct StreamState {
  BodyStream stream;
  std::string pending;
  std::size_t offset = 0;
  bool ended = false;
};

ssize_t readStream(void *cls, uint64_t, char *buffer, size_t max) {
  auto *state = static_cast<StreamState *>(cls);
  try {
    while (state->offset == state->pending.size()) {
      if (state->ended)
        return MHD_CONTENT_READER_END_OF_STREAM;
      state->pending.clear();
      state->offset = 0;
      state->ended = !state->stream(state->pending);
    }
  } catch (...) {
    return MHD_CONTENT_READER_END_WITH_ERROR;
  }
  const std::size_t count = std::min(max, state->pending.size() - state->offset);
  std::memcpy(buffer, state->pending.data() + state->offset, count);
  state->offset += count;
  return static_cast<ssize_t>(count);
}

void freeStream(void *cls) { delete static_cast<StreamState *>(cls); }

/* Keeps a shared body alive until libmicrohttpd has sent it. */
void releaseSharedBody(void *cls) { delete static_cast<std::shared_ptr<const std::string> *>(cls); }

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
  MHD_Response *response = nullptr;
  if (reply.stream) {
    auto *state = new (std::nothrow) StreamState{reply.stream, {}, 0, false};
    if (!state)
      return MHD_NO;
    response = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, readStream, state, freeStream);
    if (!response)
      delete state;
  } else if (reply.sharedBody) {
    auto *holder = new (std::nothrow) std::shared_ptr<const std::string>(reply.sharedBody);
    if (!holder)
      return MHD_NO;
    response = MHD_create_response_from_buffer_with_free_callback_cls(
        (*holder)->size(), const_cast<char *>((*holder)->data()), releaseSharedBody, holder);
    if (!response)
      delete holder;
  } else {
    response = MHD_create_response_from_buffer(reply.body.size(), const_cast<char *>(reply.body.data()),
                                               MHD_RESPMEM_MUST_COPY);
  }
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
    if (!state)
      return MHD_NO; /* uriLog could not allocate */
    if (!state->headersSeen) {
      /* First call: headers only. */
      state->headersSeen = true;
      return MHD_YES;
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
      request.rawTarget = std::move(state->rawTarget);
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

  /* Called first for every request, with the target before any decoding. */
  static void *uriLog(void *, const char *uri, MHD_Connection *) {
    auto *state = new (std::nothrow) RequestState();
    if (state && uri)
      state->rawTarget = uri;
    return state;
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
  std::vector<MHD_OptionItem> items = {
      {MHD_OPTION_SOCK_ADDR, 0, &address},
      {MHD_OPTION_URI_LOG_CALLBACK, reinterpret_cast<intptr_t>(&Impl::uriLog), nullptr},
      {MHD_OPTION_NOTIFY_COMPLETED, reinterpret_cast<intptr_t>(&Impl::completed), nullptr},
      {MHD_OPTION_NOTIFY_CONNECTION, reinterpret_cast<intptr_t>(&Impl::connectionNotify), server.get()},
      {MHD_OPTION_CONNECTION_LIMIT, static_cast<intptr_t>(o.connectionLimit), nullptr},
      {MHD_OPTION_CONNECTION_TIMEOUT, static_cast<intptr_t>(o.idleTimeoutSeconds), nullptr},
  };
  if (o.connectionMemoryLimit != 0)
    items.push_back({MHD_OPTION_CONNECTION_MEMORY_LIMIT, static_cast<intptr_t>(o.connectionMemoryLimit), nullptr});
  if (o.perAddressConnectionLimit != 0)
    items.push_back({MHD_OPTION_PER_IP_CONNECTION_LIMIT, static_cast<intptr_t>(o.perAddressConnectionLimit), nullptr});
  if (useTls) {
    items.push_back({MHD_OPTION_HTTPS_MEM_CERT, 0, const_cast<char *>(o.tlsCertPem.c_str())});
    items.push_back({MHD_OPTION_HTTPS_MEM_KEY, 0, const_cast<char *>(o.tlsKeyPem.c_str())});
  }
  items.push_back({MHD_OPTION_END, 0, nullptr});
  MHD_Daemon *daemon = MHD_start_daemon(flags, o.port, nullptr, nullptr, &Impl::access, server.get(), MHD_OPTION_ARRAY,
                                        items.data(), MHD_OPTION_END);
  if (!daemon)
    return fail("cannot listen on " + o.bindAddress + ":" + std::to_string(o.port) + ": " + std::strerror(errno));
  server->daemon_ = daemon;
  const MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
  server->port_ = info ? info->port : o.port;
  return server;
}

} // namespace fbcqm::http

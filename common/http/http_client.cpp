/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "http/http_client.h"

#include <algorithm>
#include <mutex>

#include <curl/curl.h>

namespace fbcqm::http {

namespace {

void globalInitOnce() {
  /* curl_global_init is not guaranteed thread-safe on every libcurl build. */
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct SlistDeleter {
  void operator()(curl_slist *list) const { curl_slist_free_all(list); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

struct BodySink {
  std::string *body;
  std::size_t limit;
  bool overflowed = false;
};

extern "C" std::size_t writeBody(char *data, std::size_t size, std::size_t count, void *userdata) {
  auto *sink = static_cast<BodySink *>(userdata);
  const std::size_t bytes = size * count;
  if (sink->body->size() + bytes > sink->limit) {
    sink->overflowed = true;
    return 0; /* makes libcurl abort the transfer with CURLE_WRITE_ERROR */
  }
  try {
    sink->body->append(data, bytes);
  } catch (...) {
    sink->overflowed = true;
    return 0;
  }
  return bytes;
}

ErrorKind classify(CURLcode code) {
  switch (code) {
  case CURLE_URL_MALFORMAT:
  case CURLE_UNSUPPORTED_PROTOCOL:
    return ErrorKind::InvalidUrl;
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_COULDNT_RESOLVE_PROXY:
  case CURLE_COULDNT_CONNECT:
    return ErrorKind::Connect;
  case CURLE_OPERATION_TIMEDOUT:
    return ErrorKind::Timeout;
  case CURLE_SSL_CONNECT_ERROR:
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_CERTPROBLEM:
  case CURLE_SSL_CIPHER:
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_ISSUER_ERROR:
  case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
  case CURLE_SSL_INVALIDCERTSTATUS:
  case CURLE_SSL_ENGINE_INITFAILED:
    return ErrorKind::Tls;
  case CURLE_FILESIZE_EXCEEDED:
    return ErrorKind::TooLarge;
  default:
    return ErrorKind::Transfer;
  }
}

} // namespace

const char *errorKindName(ErrorKind kind) {
  switch (kind) {
  case ErrorKind::InvalidUrl:
    return "invalid URL";
  case ErrorKind::Connect:
    return "cannot connect";
  case ErrorKind::Timeout:
    return "timeout";
  case ErrorKind::Tls:
    return "TLS failure";
  case ErrorKind::HttpStatus:
    return "HTTP error status";
  case ErrorKind::TooLarge:
    return "response too large";
  case ErrorKind::Transfer:
    return "transfer failed";
  }
  return "unknown error";
}

std::string Error::message() const {
  std::string text = errorKindName(kind);
  if (kind == ErrorKind::HttpStatus)
    text += " " + std::to_string(status);
  if (!detail.empty())
    text += ": " + detail;
  return text;
}

struct Client::Handle {
  CURL *curl = nullptr;
  char errorBuffer[CURL_ERROR_SIZE] = {};
  /* The options that never change are set on the first request only (no curl_easy_reset per request). */
  bool configured = false;
  /* The header list of the last request, reused while the lines stay the same (the session header). */
  std::vector<std::string> headerLines;
  Slist headerList;
  ~Handle() {
    if (curl)
      curl_easy_cleanup(curl);
  }
};

namespace {

/* Options that are the same for every request of a client: set once, kept with the connection cache. */
void setConstantOptions(CURL *curl, const ClientOptions &options, char *errorBuffer) {
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errorBuffer);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L); /* we run in multi-threaded daemons */
  curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options.maxResponseBytes));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, writeBody);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, options.userAgent.c_str());
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, options.verifyPeer ? 1L : 0L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, options.verifyPeer ? 2L : 0L);
  if (!options.caPem.empty()) {
    curl_blob blob{const_cast<char *>(options.caPem.data()), options.caPem.size(), CURL_BLOB_COPY};
    curl_easy_setopt(curl, CURLOPT_CAINFO_BLOB, &blob);
    curl_easy_setopt(curl, CURLOPT_CAPATH, nullptr); /* only the given roots */
  } else if (!options.caFile.empty()) {
    curl_easy_setopt(curl, CURLOPT_CAINFO, options.caFile.c_str());
    curl_easy_setopt(curl, CURLOPT_CAPATH, nullptr);
  }
}

} // namespace

Client::Client(ClientOptions options) : options_(std::move(options)), handle_(std::make_unique<Handle>()) {
  globalInitOnce();
  handle_->curl = curl_easy_init();
}

Client::~Client() = default;
Client::Client(Client &&) noexcept = default;
Client &Client::operator=(Client &&) noexcept = default;

Result<Response> Client::get(const std::string &url, const std::vector<std::string> &headers, Budget budget) {
  return perform(url, nullptr, std::string(), headers, budget);
}

Result<Response> Client::post(const std::string &url, const std::string &body, const std::string &contentType,
                              const std::vector<std::string> &headers, Budget budget) {
  return perform(url, &body, contentType, headers, budget);
}

Result<Response> Client::perform(const std::string &url, const std::string *postBody, const std::string &contentType,
                                 const std::vector<std::string> &headers, Budget budget) {
  if (!handle_ || !handle_->curl)
    return fail(Error{ErrorKind::Transfer, 0, {}, "curl_easy_init failed"});
  std::chrono::milliseconds connectTimeout = options_.connectTimeout;
  std::chrono::milliseconds totalTimeout = options_.totalTimeout;
  if (budget) {
    /* libcurl reads a timeout of 0 as "no timeout": an exhausted budget must not get there. */
    if (budget->count() <= 0)
      return fail(Error{ErrorKind::Timeout, 0, {}, "no time left for this request"});
    connectTimeout = std::min(connectTimeout, *budget);
    totalTimeout = std::min(totalTimeout, *budget);
  }
  CURL *curl = handle_->curl;
  if (!handle_->configured) {
    setConstantOptions(curl, options_, handle_->errorBuffer);
    handle_->configured = true;
  }

  Response response;
  BodySink sink{&response.body, options_.maxResponseBytes};
  try {
    /* The common case (a GET with the same session header) compares and allocates nothing. */
    const bool same = postBody == nullptr
                          ? headers == handle_->headerLines
                          : handle_->headerLines.size() == headers.size() + 1 &&
                                std::equal(headers.begin(), headers.end(), handle_->headerLines.begin()) &&
                                handle_->headerLines.back() == "Content-Type: " + contentType;
    if (!same || (!handle_->headerList && !handle_->headerLines.empty())) {
      std::vector<std::string> lines = headers;
      if (postBody)
        lines.push_back("Content-Type: " + contentType);
      Slist list;
      for (const std::string &line : lines) {
        curl_slist *appended = curl_slist_append(list.get(), line.c_str());
        if (!appended)
          return fail(Error{ErrorKind::Transfer, 0, {}, "out of memory"});
        list.release();
        list.reset(appended);
      }
      handle_->headerList = std::move(list);
      handle_->headerLines = std::move(lines);
    }
  } catch (const std::bad_alloc &) {
    return fail(Error{ErrorKind::Transfer, 0, {}, "out of memory"});
  }

  handle_->errorBuffer[0] = '\0';
  if (curl_easy_setopt(curl, CURLOPT_URL, url.c_str()) != CURLE_OK)
    return fail(Error{ErrorKind::InvalidUrl, 0, {}, "URL rejected"});
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connectTimeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(totalTimeout.count()));
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, handle_->headerList.get()); /* nullptr when there are no lines */
  if (postBody) {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, postBody->data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(postBody->size()));
  } else {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L); /* back to GET after a POST */
  }

  const CURLcode code = curl_easy_perform(curl);
  if (sink.overflowed || code == CURLE_FILESIZE_EXCEEDED)
    return fail(Error{ErrorKind::TooLarge, 0, {}, "more than " + std::to_string(options_.maxResponseBytes) + " bytes"});
  if (code != CURLE_OK) {
    std::string detail = handle_->errorBuffer[0] ? handle_->errorBuffer : curl_easy_strerror(code);
    return fail(Error{classify(code), 0, {}, std::move(detail)});
  }

  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  const char *contentTypeHeader = nullptr;
  if (curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &contentTypeHeader) == CURLE_OK && contentTypeHeader)
    response.contentType = contentTypeHeader;
  if (response.status >= 400)
    return fail(Error{ErrorKind::HttpStatus, response.status, std::move(response.body), {}});
  return response;
}

} // namespace fbcqm::http

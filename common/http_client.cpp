#include "common/http_client.hpp"

#include <curl/curl.h>

#include <cstdlib>
#include <mutex>

namespace brokkr::http {
namespace {

struct curl_code_entry {
  CURLcode code;
  transport_errc errc;
};

// Transport disposition comes from this table of curl codes, never from curl's error text.
constexpr curl_code_entry curl_code_table[] = {
    {CURLE_UNSUPPORTED_PROTOCOL, transport_errc::invalid_request},
    {CURLE_URL_MALFORMAT, transport_errc::invalid_request},
    {CURLE_BAD_FUNCTION_ARGUMENT, transport_errc::invalid_request},
    {CURLE_NOT_BUILT_IN, transport_errc::invalid_request},
    {CURLE_COULDNT_RESOLVE_HOST, transport_errc::resolve_failed},
    {CURLE_COULDNT_RESOLVE_PROXY, transport_errc::resolve_failed},
    {CURLE_COULDNT_CONNECT, transport_errc::connect_failed},
    {CURLE_PEER_FAILED_VERIFICATION, transport_errc::tls_verify_failed},
    {CURLE_SSL_PINNEDPUBKEYNOTMATCH, transport_errc::tls_verify_failed},
    {CURLE_SSL_ISSUER_ERROR, transport_errc::tls_verify_failed},
    {CURLE_SSL_CONNECT_ERROR, transport_errc::tls_failed},
    {CURLE_SSL_CERTPROBLEM, transport_errc::tls_failed},
    {CURLE_SSL_CIPHER, transport_errc::tls_failed},
    {CURLE_SSL_CACERT_BADFILE, transport_errc::tls_failed},
    {CURLE_SSL_CRL_BADFILE, transport_errc::tls_failed},
    {CURLE_SSL_ENGINE_NOTFOUND, transport_errc::tls_failed},
    {CURLE_SSL_ENGINE_SETFAILED, transport_errc::tls_failed},
    {CURLE_SSL_ENGINE_INITFAILED, transport_errc::tls_failed},
    {CURLE_OPERATION_TIMEDOUT, transport_errc::timeout},
    {CURLE_SEND_ERROR, transport_errc::connection_lost},
    {CURLE_RECV_ERROR, transport_errc::connection_lost},
    {CURLE_GOT_NOTHING, transport_errc::connection_lost},
    {CURLE_PARTIAL_FILE, transport_errc::connection_lost},
    {CURLE_HTTP2, transport_errc::connection_lost},
    {CURLE_HTTP2_STREAM, transport_errc::connection_lost},
    {CURLE_ABORTED_BY_CALLBACK, transport_errc::aborted},
};

transport_errc classify(CURLcode code) {
  for (const auto& e : curl_code_table)
    if (e.code == code) return e.errc;
  return transport_errc::other;
}

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct slist_guard {
  curl_slist* list = nullptr;
  ~slist_guard() { curl_slist_free_all(list); }
  void add(const std::string& line) { list = curl_slist_append(list, line.c_str()); }
};

}  // namespace

struct client::impl {
  explicit impl(tls_options t) : tls(std::move(t)) {
    global_init();
    multi = curl_multi_init();
    easy = curl_easy_init();
  }
  ~impl() {
    curl_easy_cleanup(easy);
    curl_multi_cleanup(multi);
  }

  // Per-transfer state, reset by prepare().
  struct transfer {
    header_map headers;
    int status = 0;
    bool headers_done = false;
    bool stopped = false;
    std::string body;
    const headers_callback* on_headers = nullptr;
    const data_callback* on_data = nullptr;
  };

  void prepare(const client_request& req, slist_guard& fields);
  void set_tls();
  expected<stream_end, transport_error> run(const std::atomic<bool>* abort);
  static size_t on_header_line(char* data, size_t size, size_t n, void* self);
  static size_t on_body(char* data, size_t size, size_t n, void* self);

  tls_options tls;
  CURLM* multi = nullptr;
  CURL* easy = nullptr;
  transfer t;
  char error_text[CURL_ERROR_SIZE] = {};
};

size_t client::impl::on_header_line(char* data, size_t size, size_t n, void* self) {
  auto& d = *static_cast<impl*>(self);
  std::string_view line(data, size * n);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.rfind("HTTP/", 0) == 0) {  // a status line starts a new response (after 100 Continue)
    d.t.headers.clear();
    const auto sp = line.find(' ');
    d.t.status = sp == std::string_view::npos ? 0 : std::atoi(std::string(line.substr(sp + 1, 3)).c_str());
  } else if (line.empty()) {
    if (d.t.status >= 200 && !d.t.headers_done) {
      d.t.headers_done = true;
      if (d.t.on_headers && !(*d.t.on_headers)(d.t.status, d.t.headers)) {
        d.t.stopped = true;
        return 0;
      }
    }
  } else if (const auto colon = line.find(':'); colon != std::string_view::npos) {
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    d.t.headers.add(std::string(line.substr(0, colon)), std::string(value));
  }
  return size * n;
}

size_t client::impl::on_body(char* data, size_t size, size_t n, void* self) {
  auto& d = *static_cast<impl*>(self);
  const std::string_view chunk(data, size * n);
  if (!d.t.on_data) {
    d.t.body.append(chunk);
    return chunk.size();
  }
  if (!(*d.t.on_data)(chunk)) {
    d.t.stopped = true;
    return 0;
  }
  return chunk.size();
}

void client::impl::set_tls() {
  auto blob = [this](CURLoption opt, const std::string& pem) {
    curl_blob b{const_cast<char*>(pem.data()), pem.size(), CURL_BLOB_COPY};
    curl_easy_setopt(easy, opt, &b);
  };
  if (!tls.ca_pem.empty()) blob(CURLOPT_CAINFO_BLOB, tls.ca_pem);
  else if (!tls.ca_file.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, tls.ca_file.c_str());
  if (!tls.client_cert_pem.empty()) blob(CURLOPT_SSLCERT_BLOB, tls.client_cert_pem);
  else if (!tls.client_cert_file.empty()) curl_easy_setopt(easy, CURLOPT_SSLCERT, tls.client_cert_file.c_str());
  if (!tls.client_key_pem.empty()) blob(CURLOPT_SSLKEY_BLOB, tls.client_key_pem);
  else if (!tls.client_key_file.empty()) curl_easy_setopt(easy, CURLOPT_SSLKEY, tls.client_key_file.c_str());
  curl_easy_setopt(easy, CURLOPT_SSLCERTTYPE, "PEM");
  curl_easy_setopt(easy, CURLOPT_SSLKEYTYPE, "PEM");
  if (tls.insecure_skip_verify) {
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 0L);
  }
}

void client::impl::prepare(const client_request& req, slist_guard& fields) {
  t = transfer{};
  error_text[0] = '\0';
  curl_easy_reset(easy);
  curl_easy_setopt(easy, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
  curl_easy_setopt(easy, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error_text);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(req.timeout.count()));
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(req.connect_timeout.count()));
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &impl::on_header_line);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, this);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &impl::on_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, this);
  if (req.method == "HEAD") {
    curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
  } else if (req.method != "GET" || !req.body.empty()) {
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, req.body.data());
  }
  bool has_content_type = false;
  for (const auto& [name, value] : req.headers) {
    fields.add(name + ": " + value);
    has_content_type = has_content_type || iequals(name, "Content-Type");
  }
  fields.add("Expect:");                                  // no 100-continue round trip before bodies
  if (!has_content_type) fields.add("Content-Type:");     // not curl's form-urlencoded default
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, fields.list);
  set_tls();
}

expected<stream_end, transport_error> client::impl::run(const std::atomic<bool>* abort) {
  curl_multi_add_handle(multi, easy);
  int running = 1;
  bool aborted = false;
  while (true) {
    curl_multi_perform(multi, &running);
    if (running == 0) break;
    if (abort && abort->load()) {
      aborted = true;
      break;
    }
    // A short poll bounds how long an abort takes; curl wakes earlier on socket activity.
    curl_multi_poll(multi, nullptr, 0, abort ? 100 : 1000, nullptr);
  }
  CURLcode result = CURLE_OK;
  int queued = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi, &queued))
    if (msg->msg == CURLMSG_DONE) result = msg->data.result;
  curl_multi_remove_handle(multi, easy);
  if (aborted) {
    if (t.headers_done) return stream_end::aborted;
    return unexpected(transport_error{transport_errc::aborted, "aborted by the caller"});
  }
  if (result == CURLE_OK) return stream_end::completed;
  if (t.stopped && t.headers_done) return stream_end::stopped_by_callback;
  std::string message = curl_easy_strerror(result);
  if (error_text[0] != '\0') message += std::string(": ") + error_text;
  return unexpected(transport_error{classify(result), std::move(message)});
}

client::client(tls_options tls) : impl_(std::make_unique<impl>(std::move(tls))) {}
client::~client() = default;
client::client(client&&) noexcept = default;
client& client::operator=(client&&) noexcept = default;

expected<client_response, transport_error> client::perform(const client_request& req,
                                                           const std::atomic<bool>* abort) {
  slist_guard fields;
  impl_->prepare(req, fields);
  auto end = impl_->run(abort);
  if (!end) return unexpected(std::move(end.error()));
  if (*end == stream_end::aborted) return unexpected(transport_error{transport_errc::aborted, "aborted by the caller"});
  return client_response{impl_->t.status, std::move(impl_->t.headers), std::move(impl_->t.body)};
}

expected<stream_result, transport_error> client::perform_stream(const client_request& req,
                                                                const headers_callback& on_headers,
                                                                const data_callback& on_data,
                                                                const std::atomic<bool>* abort) {
  slist_guard fields;
  impl_->prepare(req, fields);
  impl_->t.on_headers = &on_headers;
  impl_->t.on_data = &on_data;
  auto end = impl_->run(abort);
  if (!end) return unexpected(std::move(end.error()));
  return stream_result{impl_->t.status, std::move(impl_->t.headers), *end};
}

}  // namespace brokkr::http

#include "common/http_self_signed.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>

#include <memory>

namespace brokkr::http {
namespace {

using pkey_ptr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using x509_ptr = std::unique_ptr<X509, decltype(&X509_free)>;
using bio_ptr = std::unique_ptr<BIO, decltype(&BIO_free)>;

pkey_ptr make_key() { return {EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), &EVP_PKEY_free}; }

bool is_ip(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

bool add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (!ext) return false;
  const bool added = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return added;
}

x509_ptr make_cert(EVP_PKEY* key, const std::string& cn, X509* issuer, std::chrono::hours validity) {
  x509_ptr cert(X509_new(), &X509_free);
  if (!cert) return cert;
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7f;  // a positive serial, as strict verifiers (Go) require
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(validity.count()) * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name);
  return cert;
}

std::string to_pem(X509* cert) {
  bio_ptr bio(BIO_new(BIO_s_mem()), &BIO_free);
  PEM_write_bio_X509(bio.get(), cert);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

std::string key_to_pem(EVP_PKEY* key) {
  bio_ptr bio(BIO_new(BIO_s_mem()), &BIO_free);
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

std::string san_of(const std::vector<std::string>& hosts) {
  std::string san;
  for (const auto& h : hosts) {
    if (!san.empty()) san += ",";
    san += (is_ip(h) ? "IP:" : "DNS:") + h;
  }
  return san;
}

}  // namespace

expected<self_signed_bundle, std::string> make_self_signed(const std::vector<std::string>& hosts,
                                                           std::chrono::hours validity) {
  auto ca_key = make_key();
  auto leaf_key = make_key();
  if (!ca_key || !leaf_key) return unexpected(std::string("cannot generate EC P-256 keys"));
  auto ca = make_cert(ca_key.get(), "brokkr-sim-ca", nullptr, validity);
  if (!ca) return unexpected(std::string("cannot allocate the CA certificate"));
  bool ok = add_ext(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE") &&
            add_ext(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature") &&
            add_ext(ca.get(), ca.get(), NID_subject_key_identifier, "hash");
  ok = ok && X509_sign(ca.get(), ca_key.get(), EVP_sha256()) > 0;
  auto leaf = make_cert(leaf_key.get(), hosts.empty() ? "localhost" : hosts.front(), ca.get(), validity);
  ok = ok && leaf && add_ext(leaf.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE") &&
       add_ext(leaf.get(), ca.get(), NID_key_usage, "critical,digitalSignature,keyEncipherment") &&
       add_ext(leaf.get(), ca.get(), NID_ext_key_usage, "serverAuth") &&
       add_ext(leaf.get(), ca.get(), NID_authority_key_identifier, "keyid:always") &&
       (hosts.empty() || add_ext(leaf.get(), ca.get(), NID_subject_alt_name, san_of(hosts)));
  ok = ok && X509_sign(leaf.get(), ca_key.get(), EVP_sha256()) > 0;
  if (!ok) return unexpected(std::string("cannot build or sign the self-signed certificates"));
  return self_signed_bundle{to_pem(ca.get()), to_pem(leaf.get()), key_to_pem(leaf_key.get())};
}

}  // namespace brokkr::http
